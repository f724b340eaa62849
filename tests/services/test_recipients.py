"""The recipient directory: derivation, edits, officials' history, duplicates, lists."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.services.directory.distribution_lists import list_members, set_members
from app.services.directory.recipients import (
    RecipientData,
    find_duplicates,
    get_recipient,
    merge_recipients,
    save_recipient,
)
from app.services.registry.letters import Addressee, register_letter
from app.support.errors import UserError
from db.models import LetterAddressee, Recipient, RecipientOfficialHistory
from tests.support.builders import make_card

MINISTER = RecipientData(
    code="minfin-kam",
    organization="Министерство финансов Камчатского края",
    position="Министр финансов Камчатского края",
    last_name="Сорокина",
    first_name="Ольга",
    middle_name="Николаевна",
    delivery="МЭДО",
)


def _copy(**changes: object) -> RecipientData:
    from dataclasses import replace

    return replace(MINISTER, **changes)  # type: ignore[arg-type]


def test_lines_and_salutation_are_derived(db) -> None:
    save_recipient(db, _copy())
    detail = get_recipient(db, "minfin-kam")
    assert detail.data.addressee_lines == "Министру финансов Камчатского края\nО.Н. Сорокиной"
    assert detail.data.salutation == "Уважаемая Ольга Николаевна!"
    assert detail.data.gender == ""  # not overridden: from the patronymic each time
    assert not detail.addressee_edited and not detail.salutation_edited


def test_an_edit_survives_rederivation(db) -> None:
    save_recipient(db, _copy(salutation="Уважаемая госпожа Министр!"))
    save_recipient(db, _copy(position="Министр финансов и экономики Камчатского края"))
    detail = get_recipient(db, "minfin-kam")
    assert detail.salutation_edited
    assert detail.data.salutation == "Уважаемая госпожа Министр!"
    assert str(detail.data.addressee_lines).startswith("Министру финансов и экономики")
    save_recipient(db, _copy(rederive=True))
    assert get_recipient(db, "minfin-kam").data.salutation == "Уважаемая Ольга Николаевна!"


def test_text_equal_to_derived_is_not_an_edit(db) -> None:
    save_recipient(
        db, _copy(addressee_lines="Министру финансов Камчатского края\nО.Н.\u00a0Сорокиной")
    )
    assert not get_recipient(db, "minfin-kam").addressee_edited


def test_initials_after_surname_follow_the_profile(demo_db) -> None:
    from app.services.organization.profile import get_organization, save_organization

    save_recipient(demo_db, _copy())
    org = get_organization(demo_db)
    assert org is not None
    org.initials_first = False
    save_organization(demo_db, org)
    assert str(get_recipient(demo_db, "minfin-kam").data.addressee_lines).endswith("Сорокиной О.Н.")
    assert str(get_recipient(demo_db, "kamchatka-governor").data.addressee_lines).endswith(
        "Солодову В.В."
    )
    save_recipient(demo_db, _copy(code="other", last_name="Лапина", first_name="Т.",
                                  middle_name="В."))  # fmt: skip
    assert str(get_recipient(demo_db, "other").data.addressee_lines).endswith("Лапиной Т.В.")


def test_replacing_the_official_keeps_history_and_letters(demo_db) -> None:
    save_recipient(demo_db, _copy())
    register_letter(demo_db, make_card(addressee=Addressee(recipient="minfin-kam")))
    save_recipient(
        demo_db, _copy(last_name="Пономарев", first_name="Андрей", middle_name="Юрьевич")
    )
    detail = get_recipient(demo_db, "minfin-kam")
    assert str(detail.data.addressee_lines).endswith("А.Ю. Пономареву")
    assert detail.data.salutation == "Уважаемый Андрей Юрьевич!"
    assert len(detail.history) == 1 and "Сорокина Ольга Николаевна" in detail.history[0]
    with demo_db.read() as session:
        printed = session.scalars(
            select(LetterAddressee.addressee_lines)
            .join(Recipient)
            .where(Recipient.code == "minfin-kam")
        ).all()
    assert printed == ["Министру финансов Камчатского края\nО.Н. Сорокиной"]


def test_bad_record_is_refused_in_russian(db) -> None:
    with pytest.raises(UserError, match="способ доставки «Голубь»"):
        save_recipient(db, _copy(delivery="Голубь"))
    with pytest.raises(UserError, match="нужна организация или фамилия"):
        save_recipient(db, RecipientData())


def test_duplicates_are_found_and_merged_keeping_links(demo_db) -> None:
    first = save_recipient(demo_db, _copy(code="dup-1", email="a@kamgov.ru"))
    register_letter(demo_db, make_card(addressee=Addressee(recipient="dup-1")))
    second = save_recipient(
        demo_db, _copy(code="dup-2", middle_name="НИКОЛАЕВНА", phone="+7 4152 000000")
    )
    register_letter(demo_db, make_card(addressee=Addressee(recipient="dup-2"), subject="О другом"))
    groups = find_duplicates(demo_db)
    assert [sorted(g.ids) for g in groups] == [sorted([first, second])]
    merge_recipients(demo_db, first, [second])
    assert find_duplicates(demo_db) == []
    with demo_db.read() as session:
        links = session.scalars(
            select(func.count(LetterAddressee.id)).where(LetterAddressee.recipient_id == first)
        ).one()
        assert session.get(Recipient, second) is None
    assert links == 2
    assert get_recipient(demo_db, first).data.phone == "+7 4152 000000"


def test_list_order_and_delivery_override(demo_db) -> None:
    ids = [save_recipient(demo_db, _copy(code=f"m{i}", last_name=f"Иванов{i}")) for i in range(3)]
    set_members(demo_db, "Тестовый", [(ids[2], ""), (ids[0], "Курьер"), (ids[1], "")])
    members = list_members(demo_db, "Тестовый")
    assert [m.code for m in members] == ["m2", "m0", "m1"]
    assert [m.effective_delivery for m in members] == ["МЭДО", "Курьер", "МЭДО"]
    with pytest.raises(UserError, match="дважды"):
        set_members(demo_db, "Тестовый", [(ids[0], ""), (ids[0], "")])


def test_history_table_is_empty_without_replacement(db) -> None:
    save_recipient(db, _copy())
    save_recipient(db, _copy(phone="+7 (4152) 42-00-00"))
    with db.read() as session:
        assert session.scalar(select(func.count(RecipientOfficialHistory.id))) == 0
