"""The learner's game state, wallet, shop and inventory (API.md, "Reviews, stats and leagues",
"Economy and social"): parse, call, render."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.representation import Representer
from gamification.rewards import achievements_list, quests_get
from gamification.selectors import (
    gem_transaction_list,
    inventory_list,
    shop_item_list,
    stats_get,
    wallet_balance_get,
)
from gamification.serializers import (
    AchievementListOutputSerializer,
    GemTransactionOutputSerializer,
    InventoryItemOutputSerializer,
    InventoryListOutputSerializer,
    PurchaseInputSerializer,
    PurchaseOutputSerializer,
    QuestListOutputSerializer,
    ShopItemOutputSerializer,
    ShopListOutputSerializer,
    StatsOutputSerializer,
    WalletOutputSerializer,
)
from gamification.services import inventory_item_use, shop_item_buy

_UNAUTHORIZED = OpenApiResponse(description="Not signed in.")
_stats_body = Representer(StatsOutputSerializer)
_ITEM_NOT_FOUND = OpenApiResponse(description="No such item (on sale) (`item_not_found`).")


class StatsApi(APIView):
    @extend_schema(
        operation_id="me_stats_retrieve",
        responses={200: StatsOutputSerializer, 401: _UNAUTHORIZED},
        summary="The caller's XP, daily goal, streak, hearts, gems and freezes, as of now",
    )
    def get(self, request: Request) -> Response:
        return Response(_stats_body(stats_get(user=request.user)))


class WalletApi(APIView):
    @extend_schema(
        operation_id="me_wallet_retrieve",
        responses={200: WalletOutputSerializer, 401: _UNAUTHORIZED},
        summary="The caller's gem balance",
    )
    def get(self, request: Request) -> Response:
        return Response({"balance": wallet_balance_get(user=request.user)})


class WalletTransactionListApi(ListAPIView):
    serializer_class = GemTransactionOutputSerializer

    def get_queryset(self):
        return gem_transaction_list(user=self.request.user)

    @extend_schema(
        operation_id="me_wallet_transactions_list",
        responses={200: GemTransactionOutputSerializer(many=True), 401: _UNAUTHORIZED},
        summary="The caller's gem ledger, newest first, paginated",
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class ShopListApi(APIView):
    @extend_schema(
        operation_id="shop_list",
        responses={200: ShopListOutputSerializer, 401: _UNAUTHORIZED},
        summary="The items on sale",
    )
    def get(self, request: Request) -> Response:
        items = ShopItemOutputSerializer(shop_item_list(), many=True).data
        return Response({"results": items})


class ShopItemBuyApi(APIView):
    @extend_schema(
        operation_id="shop_buy",
        request=PurchaseInputSerializer,
        responses={
            201: OpenApiResponse(
                PurchaseOutputSerializer,
                description="Bought; sent again with the same client_id, the first purchase's "
                "answer, and nothing bought twice.",
            ),
            400: OpenApiResponse(description="Invalid client_id."),
            401: _UNAUTHORIZED,
            404: _ITEM_NOT_FOUND,
            409: OpenApiResponse(description="`insufficient_gems` or `limit_reached`."),
        },
        summary="Buy one of an item with gems",
    )
    def post(self, request: Request, slug: str) -> Response:
        data = PurchaseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = shop_item_buy(
            user=request.user, slug=slug, client_id=data.validated_data.get("client_id")
        )
        # A replayed client_id answers exactly as the first time (API.md: 201), as a retried
        # request over a flaky network expects.
        return Response(PurchaseOutputSerializer(result).data, status=status.HTTP_201_CREATED)


class InventoryListApi(APIView):
    @extend_schema(
        operation_id="me_inventory_list",
        responses={200: InventoryListOutputSerializer, 401: _UNAUTHORIZED},
        summary="What the caller holds, and boosts still running",
    )
    def get(self, request: Request) -> Response:
        rows = InventoryItemOutputSerializer(inventory_list(user=request.user), many=True).data
        return Response({"results": rows})


class InventoryItemUseApi(APIView):
    @extend_schema(
        operation_id="me_inventory_use",
        request=None,
        responses={
            200: InventoryItemOutputSerializer,
            401: _UNAUTHORIZED,
            404: _ITEM_NOT_FOUND,
            409: OpenApiResponse(
                description="`item_not_owned`, `hearts_full`, or `used_automatically` "
                "(a streak freeze)."
            ),
        },
        summary="Use one held item: a heart refill or an XP boost",
    )
    def post(self, request: Request, slug: str) -> Response:
        held = inventory_item_use(user=request.user, slug=slug)
        return Response(InventoryItemOutputSerializer(held).data)


class AchievementsApi(APIView):
    @extend_schema(
        operation_id="me_achievements_list",
        responses={200: AchievementListOutputSerializer, 401: _UNAUTHORIZED},
        summary="Every achievement with the caller's tier and progress",
    )
    def get(self, request: Request) -> Response:
        items = achievements_list(user=request.user)
        return Response(AchievementListOutputSerializer({"results": items}).data)


class QuestsApi(APIView):
    @extend_schema(
        operation_id="me_quests_list",
        responses={200: QuestListOutputSerializer, 401: _UNAUTHORIZED},
        summary="The caller's three daily quests of their local day, with progress",
    )
    def get(self, request: Request) -> Response:
        return Response(QuestListOutputSerializer(quests_get(user=request.user)).data)
