"""Received vs outstanding reports of one letter, day by day (QtCharts)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from app.rules.states import OFF_CONTROL
from app.services.control.reports import LetterControl
from ui import palette

RECEIVED = palette.GOOD
OUTSTANDING = palette.ERROR
DUE = "#555555"


def _at(day: dt.date, hour: int = 12, minute: int = 0) -> QDateTime:
    return QDateTime(QDate(day.year, day.month, day.day), QTime(hour, minute))


def _ms(day: dt.date) -> float:
    return float(_at(day).toMSecsSinceEpoch())


def chart_points(control: LetterControl) -> list[tuple[dt.date, int, int]]:
    """(day, received so far, still expected) from the letter's date to today (or the due date)."""
    start = control.reg_date
    end = max(control.due, min(control.today, control.due + dt.timedelta(days=90)))
    end = max(end, start + dt.timedelta(days=1))
    received = sorted(r.received_date for r in control.recipients if r.received_date is not None)
    off = sum(1 for r in control.recipients if r.state in OFF_CONTROL)
    total = len(control.recipients)
    points = []
    day, got = start, 0
    while day <= end:
        while got < len(received) and received[got] <= day:
            got += 1
        points.append((day, got, max(total - got - off, 0)))
        day += dt.timedelta(days=1)
    return points


class ControlChart(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(200)

    def show_control(self, control: LetterControl) -> None:
        chart = QChart()
        chart.setTitle("Получено и ожидается по дням")
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setMargins(chart.margins() * 0)
        received, waiting, due = QLineSeries(), QLineSeries(), QLineSeries()
        received.setName("Получено")
        waiting.setName("Ожидается")
        due.setName(f"Срок {control.due:%d.%m.%Y}")
        for series, colour, width in ((received, RECEIVED, 2.5), (waiting, OUTSTANDING, 2.5)):
            series.setPen(QPen(QColor(colour), width))
        pen = QPen(QColor(DUE), 1.2)
        pen.setStyle(Qt.PenStyle.DashLine)
        due.setPen(pen)
        points = chart_points(control)
        for day, got, left in points:
            received.append(_ms(day), got)
            waiting.append(_ms(day), left)
        total = max(len(control.recipients), 1)
        due.append(_ms(control.due), 0)
        due.append(_ms(control.due), total)
        x = QDateTimeAxis()
        x.setFormat("dd.MM")
        x.setTickCount(8)
        x.setRange(_at(points[0][0], 0), _at(points[-1][0], 23, 59))
        y = QValueAxis()
        y.setRange(0, total)
        y.setLabelFormat("%d")
        y.setTickCount(5)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for series in (received, waiting, due):
            chart.addSeries(series)
            series.attachAxis(x)
            series.attachAxis(y)
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()
