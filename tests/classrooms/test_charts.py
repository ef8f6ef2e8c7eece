from collections import Counter
from datetime import date, timedelta

from classrooms.charts import completion_bars, daily_bars


def test_daily_bars_scale_to_a_round_maximum_and_label_the_last_day():
    days = [(date(2025, 3, 1) + timedelta(days=i), i * 10) for i in range(30)]

    chart = daily_bars(days)

    assert chart.maximum == 500  # 290 rounds up to 500
    assert len(chart.bars) == 30
    assert chart.bars[0].height == 0
    assert chart.bars[-1].height > chart.bars[-2].height
    assert chart.bars[-1].label == "Sun 30 Mar: 290 XP"
    assert chart.ticks[-1][1] == "30 Mar"
    assert chart.total == sum(xp for _day, xp in days)


def test_an_empty_month_draws_flat_bars():
    chart = daily_bars([(date(2025, 3, 1), 0)])

    assert chart.maximum == 1
    assert chart.bars[0].height == 0


def test_completion_bars_split_each_assignment_by_status():
    chart = completion_bars(
        [("Week 1", Counter(done=3, missed=1)), ("Week 2", Counter())], students=4
    )

    first, second = chart.rows
    assert [bar.css for bar in first.segments] == ["status-done", "status-missed"]
    assert first.segments[0].width == 3 * first.segments[1].width
    assert first.segments[1].x == first.segments[0].x + first.segments[0].width
    assert second.segments == []
