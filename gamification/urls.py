from django.urls import path

from gamification.api import (
    AchievementsApi,
    InventoryItemUseApi,
    InventoryListApi,
    QuestsApi,
    ShopItemBuyApi,
    ShopListApi,
    StatsApi,
    WalletApi,
    WalletTransactionListApi,
)
from gamification.leagues.api import (
    LeaderboardApi,
    LeaderboardHistoryApi,
    LeaderboardPercentileApi,
)

urlpatterns = [
    path("me/stats/", StatsApi.as_view(), name="me-stats"),
    path("me/achievements/", AchievementsApi.as_view(), name="me-achievements"),
    path("me/quests/", QuestsApi.as_view(), name="me-quests"),
    path("me/wallet/", WalletApi.as_view(), name="me-wallet"),
    path(
        "me/wallet/transactions/",
        WalletTransactionListApi.as_view(),
        name="me-wallet-transactions",
    ),
    path("shop/", ShopListApi.as_view(), name="shop"),
    path("shop/<slug:slug>/buy/", ShopItemBuyApi.as_view(), name="shop-buy"),
    path("me/inventory/", InventoryListApi.as_view(), name="me-inventory"),
    path("me/inventory/<slug:slug>/use/", InventoryItemUseApi.as_view(), name="me-inventory-use"),
    path("leaderboard/", LeaderboardApi.as_view(), name="leaderboard"),
    path("leaderboard/history/", LeaderboardHistoryApi.as_view(), name="leaderboard-history"),
    path(
        "leaderboard/percentile/",
        LeaderboardPercentileApi.as_view(),
        name="leaderboard-percentile",
    ),
]
