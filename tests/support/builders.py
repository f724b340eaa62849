"""Small builders of what tests need — cards, PDFs, files, a recipient, a journal, a registry
with one letter — beside the demo world of conftest."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from app.exporters.fonts import font_family
from app.services.output.letter_export import preview_pdf
from app.services.registry.letters import LetterCard
from db.engine import Database
from tests.support.places import DATA


def rich_card(**changes: Any) -> dict[str, Any]:
    card = {
        "journal": "ИСХ",
        "case": "5",
        "subject": "О представлении сведений",
        "addressee": {"recipient": "kamchatka-governor"},
        "signatory": "protasov",
        "executor": "starchikova",
        "body": RICH,
    }
    card.update(changes)
    return card


def foreign_pdf(path: Path, *, blanks: str = "№ ____________ от ____________") -> Path:
    """A two-page letter as another system prints it."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, 842))
    canvas.setFont(font_family(None), 12)
    canvas.drawString(60, 760, "МИНИСТЕРСТВО ПРОМЫШЛЕННОСТИ")
    if blanks:
        canvas.drawString(60, 700, blanks)
    canvas.drawString(60, 560, "Текст письма, подготовленного в другой системе.")
    canvas.showPage()
    canvas.setFont(font_family(None), 12)
    canvas.drawString(60, 700, "Вторая страница письма.")
    canvas.showPage()
    canvas.save()
    path.write_bytes(buffer.getvalue())
    return path


def numbered_card(i: int, subject: str = "О проверке") -> LetterCard:
    from app.services.registry.letters import Addressee, LetterCard

    return LetterCard(
        journal="РСК",
        subject=f"{subject} {i}",
        addressee=Addressee(text="Губернатору Костромской области"),
        date=dt.date(2030, 3, 1),
        body="Текст.",
        signatory="protasov",
    )


def make_card(**fields: object) -> LetterCard:
    """A letter card to the Kamchatka governor in journal ИСХ; ``fields`` override the defaults."""
    from app.services.registry.letters import Addressee, LetterCard

    base: dict[str, object] = {
        "journal": "ИСХ",
        "subject": "О поддержке Конкурса «Лидер качества»",
        "addressee": Addressee(recipient="kamchatka-governor"),
        "case": "5",
        "signatory": "protasov",
        "body": "Просим поддержать проведение Конкурса.",
    }
    base.update(fields)
    return LetterCard(**base)  # type: ignore[arg-type]  # the fields given are the test's choice


RICH: list[dict[str, Any]] = [
    {
        "type": "paragraph",
        "runs": [
            "В целях ",
            {"text": "реализации", "bold": True},
            " плана просим ",
            {"text": "представить", "italic": True},
            " ",
            {"text": "до 1 декабря", "underline": True},
            ":",
        ],
    },
    {"type": "numbered", "runs": ["сведения о мероприятиях;"]},
    {"type": "bullet", "level": 1, "runs": ["проведенных;"]},
    {"type": "bullet", "level": 1, "runs": ["запланированных;"]},
    {"type": "numbered", "runs": ["отчет об участниках."]},
    {"type": "numbered", "level": 1, "runs": ["по регионам;"]},
    {"type": "numbered", "level": 1, "runs": ["по отраслям."]},
    {
        "type": "table",
        "widths": [1, 3, 2],
        "header_rows": 1,
        "rows": [
            ["Дата", "Город", "Количество"],
            ["01.12.2025", [{"runs": ["Кострома"]}, {"runs": ["Ярославль"]}], "15"],
        ]
        + [[f"{d:02d}.12.2025", f"Город {d}", str(d)] for d in range(2, 60)],
    },
    {"runs": ["Информацию просим направить в электронном виде."]},
]


def random_bytes(path: Path, size: int) -> Path:
    path.write_bytes(os.urandom(size))
    return path


def two_page_pdf(demo_db: Database, letter: int, path: Path) -> Path:
    """A real two-page PDF: the demo letter's preview, twice."""
    import pikepdf

    one = pikepdf.open(io.BytesIO(preview_pdf(demo_db, letter)))
    one.pages.append(one.pages[0])
    one.save(path)
    return path


# Small worlds beside the demo: a test that needs one recipient, one journal or one letter says so,
# and does not depend on what the demo happens to hold (its 91 recipients, its 81 overdue copies).


def a_recipient(db: Database, code: str = "kaluga-governor", **fields: object) -> str:
    """A recipient in the directory (the governor of the Kaluga region unless ``fields`` say
    otherwise); its code."""
    from app.services.directory.recipients import RecipientData, save_recipient

    base: dict[str, object] = {
        "code": code,
        "organization": "Правительство Калужской области",
        "position": "Губернатор Калужской области",
        "last_name": "Шапша",
        "first_name": "Владислав",
        "middle_name": "Валерьевич",
    }
    base.update(fields)
    save_recipient(db, RecipientData(**base))  # type: ignore[arg-type]  # the test's fields
    return code


def a_journal(db: Database, code: str = "ПР", *, kind: str = "outgoing", template: str = "") -> str:
    """A journal numbered from 1 in the current year (``{seq}-ПР`` unless a template is given);
    its code."""
    from app.services.organization.profile import JournalData, save_journal

    save_journal(
        db,
        JournalData(
            code=code,
            name=f"Журнал {code}",
            template=template or f"{{seq}}-{code}",
            kind=kind,
        ),
    )
    return code


def an_organization(db: Database) -> None:
    """The example set-up (tests/data/setup-example.json): the organization, its head
    «protasov» who signs, the journal «ИСХ»."""
    from app.services.organization.setup import apply_setup, parse_setup
    from app.support.json_input import read_json_file

    apply_setup(db, parse_setup(read_json_file(DATA / "setup-example.json")), today=dt.date.today())


def one_letter(db: Database, subject: str = "О проверке") -> str:
    """An empty registry made into the smallest one with a letter: the example set-up, one
    recipient, one letter registered in «ИСХ». The letter's number."""
    from app.services.registry.letters import Addressee, LetterCard, register_letter

    an_organization(db)
    card = LetterCard(
        journal="ИСХ",
        subject=subject,
        addressee=Addressee(recipient=a_recipient(db)),
        case="5",
        signatory="protasov",
        body="Текст письма.",
    )
    return register_letter(db, card).number


def an_appeal(message_id: str = "<appeal-1@example.org>") -> bytes:
    """A citizen's appeal by e-mail, as it arrives: no number of the sender's, no attachment."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "Иван Петров <petrov@example.org>"
    message["To"] = "office@example.ru"
    message["Subject"] = "Обращение по поводу участия в конкурсе"
    message["Message-ID"] = message_id
    message.set_content("Прошу разъяснить порядок участия.")
    return bytes(message)
