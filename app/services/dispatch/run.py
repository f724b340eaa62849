"""One action for a mailing: every copy goes out by its own method.

- МЭДО: a transport container per recipient (or one for the whole mailing), to be signed and
  sent in the organization's МЭДО client — the copy becomes «Подготовлено»;
- e-mail: a ``.eml`` per recipient for any mail client («Подготовлено»), or sent through the
  organization's SMTP server («Отправлено», or «Ошибка» with the server's reason, per recipient);
- post: the postal copies merged for printing, their envelopes, and the post office's list
  (form 103) of the day — the copies become «Отправлено».

A copy that cannot go (no МЭДО id, no e-mail, no postal address) is named with the reason and the
others still go. Files are written into a staging folder and moved in only when all are written;
the records are written in one transaction after that. Courier and fax copies are marked by hand.
"""

from __future__ import annotations

import shutil
import string
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.exporters.eml import Mail, build_message, message_size, valid_address
from app.exporters.envelope_pdf import SIZES, EnvelopeAddress, render_envelopes
from app.exporters.medo import (
    DOCUMENT,
    MAX_NUMBER,
    Attachment,
    DocumentSignature,
    MedoLetter,
    Party,
    build_package,
)
from app.exporters.medo import valid_address as valid_medo_address
from app.exporters.medo_stamps import registration_stamp, signature_stamp
from app.rules.cert_chain import Authorities, ChainCheck, check_chain, load_authorities
from app.rules.detached_signature import DetachedSignature, load_signature
from app.rules.letter_layout import LetterPage, Stamp
from app.rules.signer_match import Signatory, signer_mismatch
from app.rules.states import CopyState
from app.services.dispatch.record import (
    EMAIL,
    MEDO,
    POST,
    PREPARED_HINT,
    CopyDispatch,
    LetterDispatch,
    Step,
    dispatch_in,
    record_in,
)
from app.services.files.stored_files import megabytes, stored_pieces
from app.services.organization.profile import OrganizationData, org_to_data, organization_in
from app.services.output.letter_export import (
    ExportCancelled,
    Prepared,
    medo_pdf,
    prepare,
    render,
    safe_name,
)
from app.storage import audit
from app.support import clock
from app.support.errors import UserError
from app.support.text import date_ru, full_name, initials_name
from db.engine import Database
from db.models import Letter, LetterFile, Staff, StoredFile

METHODS = (MEDO, EMAIL, POST)
FOLDERS = {MEDO: "МЭДО", EMAIL: "Электронная почта", POST: "Почта"}
DEFAULT_SUBJECT = "Письмо {organization} от {date} № {number}"
DEFAULT_BODY = (
    "Добрый день!\n\n"
    "Направляем письмо {organization} от {date} № {number} «{subject}».\n"
    "Письмо — во вложении (PDF).\n\n"
    "С уважением,\n{executor}\n{organization}\n{phone}"
)
TEMPLATE_FIELDS = (
    "number",
    "date",
    "subject",
    "organization",
    "recipient",
    "executor",
    "phone",
    "email",
)
Progress = Callable[[int, int], bool]


def check_template(template: str, what: str) -> None:
    try:
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(template) if name]
    except ValueError as exc:
        raise UserError(f"{what}: ошибка в шаблоне ({exc}); фигурные скобки — для полей") from exc
    unknown = [n for n in names if n not in TEMPLATE_FIELDS]
    if unknown:
        allowed = ", ".join(f"{{{n}}}" for n in TEMPLATE_FIELDS)
        raise UserError(f"{what}: неизвестное поле {{{unknown[0]}}}; допустимо {allowed}")


def covering_text(template: str, values: dict[str, str], what: str) -> str:
    check_template(template, what)
    text = template.format(**values)
    return "\n".join(line.rstrip() for line in text.splitlines()).strip() + "\n"


@dataclass(frozen=True)
class _Context:
    """What the run needs from the registry, read in one transaction."""

    status: LetterDispatch
    org: OrganizationData
    signer: Party
    executor: tuple[str, str, str]  # name, phone, e-mail
    persons: dict[int, Party]  # addressee id → the party for the МЭДО passport
    attachments: list[Attachment]
    signatory: Signatory | None = None  # whose certificate a signature must be


def _staff_name(staff: Staff | None) -> str:
    if staff is None:
        return ""
    return initials_name(staff.last_name, staff.first_name, staff.middle_name, sep=" ")


def _person_name(last: str, first: str, middle: str) -> str:
    """«Протасов Максим Александрович», or «М.А. Протасов» when only initials are known."""
    if first.strip().endswith(".") or len(first.strip()) <= 1:
        return initials_name(last, first, middle, sep=" ")
    return full_name(last, first, middle)


def _read(session: Session, letter_id: int) -> _Context:
    status = dispatch_in(session, letter_id)
    org = org_to_data(organization_in(session))
    letter = session.get(Letter, letter_id)
    assert letter is not None
    sig = letter.signatory
    signer = Party(
        org.name,
        org.medo_id,
        " ".join((sig.position or "").split()) if sig else "",
        _person_name(sig.last_name, sig.first_name, sig.middle_name) if sig else "",
    )
    ex = letter.executor
    executor = (_staff_name(ex), ex.phone if ex else "", ex.email if ex else "")
    persons = {}
    for row in letter.addressees:  # loaded already by dispatch_in
        r = row.recipient
        if r is None:
            persons[row.id] = Party(" ".join(row.addressee_lines.split()))
            continue
        persons[row.id] = Party(
            r.organization or " ".join(row.addressee_lines.split()),
            r.medo_id,
            " ".join(r.position.split()),
            _person_name(r.last_name, r.first_name, r.middle_name),
            address=r.medo_address,
        )
    attachments: list[Attachment] = []
    files = session.execute(
        select(LetterFile, StoredFile)
        .join(StoredFile, StoredFile.id == LetterFile.file_id)
        .where(LetterFile.letter_id == letter_id, LetterFile.kind == "attachment")
        .order_by(LetterFile.id)
    ).all()
    for kept, stored in files:  # the attachments' own files (Файлы письма)
        n = len(attachments) + 1
        content = b"".join(stored_pieces(session, stored))
        suffix = Path(kept.name).suffix.lower()
        suffix = suffix if suffix.isascii() and len(suffix) <= 10 else ""
        title = kept.title or Path(kept.name).stem
        attachments.append(Attachment(f"attachment{n}{suffix}", content, title, kept.name))
    signatory = (
        Signatory(
            sig.last_name, sig.first_name, sig.middle_name,
            tuple(c.serial for c in sig.certificates),
        )
        if sig
        else None
    )  # fmt: skip
    return _Context(status, org, signer, executor, persons, attachments, signatory)


@dataclass
class Outcome:
    """What one run did: files written, copies per method, and every copy that did not go."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    prepared: dict[str, int] = field(default_factory=dict)  # method → copies prepared
    unsigned: dict[str, int] = field(default_factory=dict)  # МЭДО → documents left to sign
    to_sign: list[str] = field(default_factory=list)  # their files, relative to the folder
    signed: list[str] = field(default_factory=list)  # «file.sig: owner, certificate serial»
    sent: dict[str, int] = field(default_factory=dict)  # method → copies sent
    problems: list[str] = field(default_factory=list)  # «№ 3 Правительство …: нет МЭДО id»
    already: list[str] = field(default_factory=list)  # sent before, not sent again
    manual: list[str] = field(default_factory=list)  # courier, fax: marked by hand
    notes: list[str] = field(default_factory=list)  # what the clerk should know, nothing failed
    # a signature by someone other than the signatory: refused, or accepted by the clerk
    other_signer: list[str] = field(default_factory=list)
    accepted_signer: list[str] = field(default_factory=list)

    @property
    def copies(self) -> int:
        return sum(self.prepared.values()) + sum(self.sent.values()) + sum(self.unsigned.values())


@dataclass
class _Run:
    ctx: _Context
    prepared: Prepared
    staging: Path
    outcome: Outcome
    steps: list[Step] = field(default_factory=list)
    staged: list[Path] = field(default_factory=list)
    archival: tuple[bytes, str] | None = None  # a document made elsewhere as PDF/A-1b, once

    def write(self, relative: str, content: bytes) -> Path:
        path = self.staging / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        self.staged.append(path)
        return path

    def pdf(self, copy: CopyDispatch) -> bytes:
        return render(self.prepared, "pdf", [self.prepared.pages[copy.position - 1]])

    def name(self, copy: CopyDispatch) -> str:
        return self.prepared.names[copy.position - 1]

    def problem(self, copy: CopyDispatch, reason: str) -> None:
        self.outcome.problems.append(f"№ {copy.position} {copy.name}: {reason}")

    def count(self, kind: dict[str, int], method: str) -> None:
        kind[method] = kind.get(method, 0) + 1


def _stem(status: LetterDispatch) -> str:
    return safe_name(f"{status.number} от {status.reg_date:%d.%m.%Y}")


TO_SIGN = "На подпись"  # the folder of documents waiting for their signature
SIGN_HINT = "подпишите document.pdf открепленной подписью и отправьте снова, указав подпись"


@dataclass(frozen=True)
class _MedoDocument:
    copies: list[CopyDispatch]
    folder: str
    pdf: bytes  # PDF/A-1b, the same bytes for the same letter version
    page: LetterPage


def _medo_documents(run: _Run, copies: list[CopyDispatch], whole: bool) -> list[_MedoDocument]:
    """The documents to sign: one per copy, or one for the whole mailing."""
    ctx = run.ctx
    if not copies:
        return []
    refusal = ""
    if not ctx.org.medo_id.strip():
        refusal = "не указан идентификатор МЭДО организации-отправителя (Настройки → Организация)"
    elif len(" ".join(ctx.status.number.split())) > MAX_NUMBER:
        refusal = f"номер длиннее {MAX_NUMBER} знаков, МЭДО его не примет"
    if refusal:
        for c in copies:
            run.problem(c, refusal)
        return []
    ready = []
    for c in copies:
        if not valid_medo_address(c.medo_address):
            run.problem(c, "у адресата нет адреса МЭДО вида ИМЯ~ДОМЕН (карточка адресата)")
        else:
            ready.append(c)
    if whole and ready:
        page = run.prepared.pages[-1]  # the common letter
        folder = f"{_stem(ctx.status)} - рассылка"
        return [_MedoDocument(ready, folder, _medo_pdf(run, page), page)]
    documents = []
    for c in ready:
        page = run.prepared.pages[c.position - 1]
        documents.append(_MedoDocument([c], run.name(c), _medo_pdf(run, page), page))
    return documents


def _within_limit(run: _Run, documents: list[_MedoDocument]) -> list[_MedoDocument]:
    """The documents whose container fits the МЭДО limit; the others refused before signing."""
    limit = run.ctx.org.medo_max_mb * MEGABYTE
    attached = sum(len(a.content) for a in run.ctx.attachments)
    kept = []
    for document in documents:
        size = len(document.pdf) + attached
        if size <= limit:
            kept.append(document)
            continue
        for c in document.copies:
            run.problem(
                c,
                f"документ с файлами приложений — {megabytes(size)}, больше {megabytes(limit)}, "
                "допустимых для МЭДО (Настройки → Отправка почты); отправьте приложения почтой",
            )
    return kept


def _medo_pdf(run: _Run, page: LetterPage) -> bytes:
    if not run.prepared.document:
        return medo_pdf(run.prepared, page)[0]
    if run.archival is None:  # the same document for every copy: converted once
        run.archival = medo_pdf(run.prepared, page)
    pdf, rendered = run.archival
    note = f"Документ письма передан в МЭДО изображениями страниц (PDF/A-1b): {rendered}"
    if rendered and note not in run.outcome.notes:
        run.outcome.notes.append(note)
    return pdf


def _match_signatures(
    documents: list[_MedoDocument], signatures: list[DetachedSignature]
) -> dict[int, DetachedSignature]:
    """Each signature to the document it signs; a signature of no document here is refused.
    A document's digest is computed once per algorithm, however many signatures are given."""
    today = clock.today()
    digests: dict[tuple[str, int], bytes] = {}
    matched: dict[int, DetachedSignature] = {}
    for signature in signatures:
        for index, document in enumerate(documents):
            key = (signature.digest_oid, index)
            if key not in digests:
                digests[key] = signature.digest_of(document.pdf)
            if signature.signs(document.pdf, digests[key]):
                info = signature.signer
                if not info.valid_on(today):
                    raise UserError(
                        f"{signature.name}: сертификат подписавшего ({info.owner}) действителен "
                        f"с {date_ru(info.valid_from)} по {date_ru(info.valid_to)} — "
                        "подпись на сегодня недействительна"
                    )
                matched[index] = signature
                break
        else:
            raise UserError(
                f"{signature.name}: подпись сделана к другому файлу, не к документу этого письма"
            )
    return matched


def _signer_refused(
    run: _Run,
    document: _MedoDocument,
    signature: DetachedSignature,
    accept_signer: bool,
    authorities: Authorities | None,
) -> ChainCheck | None:
    """The signature's certificate: the signatory's (or accepted by the clerk) and leading to a
    trusted authority — its chain's verdict; None (the copies refused, the reason said) else."""
    info = signature.signer
    other = signer_mismatch(info.owner, info.serial, run.ctx.signatory)
    if other and not accept_signer:
        run.outcome.other_signer.append(f"{signature.name}: {other}")
        for c in document.copies:
            run.problem(c, f"подпись не подписанта письма: {other}")
        return None
    chain = check_chain(signature.certificate, signature.others, authorities, clock.today())
    if chain.refused:
        for c in document.copies:
            run.problem(c, f"подпись {signature.name}: {chain.line}")
        return None
    if other:
        run.outcome.accepted_signer.append(f"{signature.name}: {other}")
    return chain


def _medo(
    run: _Run,
    copies: list[CopyDispatch],
    whole: bool,
    signatures: list[DetachedSignature],
    accept_signer: bool = False,
    authorities: Authorities | None = None,
) -> None:
    ctx = run.ctx
    documents = _within_limit(run, _medo_documents(run, copies, whole))
    if not signatures:
        for document in documents:
            path = f"{FOLDERS[MEDO]}/{TO_SIGN}/{document.folder}/{DOCUMENT}"
            run.write(path, document.pdf)
            run.outcome.to_sign.append(path)
            for c in document.copies:
                run.steps.append(
                    Step(
                        c.addressee_id,
                        CopyState.UNSIGNED,
                        "export",
                        file_name=DOCUMENT,
                        content=document.pdf if c is document.copies[0] else b"",
                        note=SIGN_HINT,
                    )
                )
                run.count(run.outcome.unsigned, MEDO)
        return
    matched = _match_signatures(documents, signatures)
    for index, document in enumerate(documents):
        if index not in matched:
            for c in document.copies:
                run.problem(c, f"нет подписи: {SIGN_HINT}")
            continue
        signature = matched[index]
        info = signature.signer
        chain = _signer_refused(run, document, signature, accept_signer, authorities)
        if chain is None:
            continue
        status = ctx.status
        page = document.page
        stamp_lines = Stamp(info.serial, info.owner, info.valid_from, info.valid_to).lines
        signer_words = page.signature.name.split() if page.signature else []
        registration = registration_stamp(
            document.pdf, status.number, f"№ {status.number} от {date_ru(status.reg_date)}"
        )
        uid = str(uuid.uuid4())
        letter = MedoLetter(
            uid=uid,
            created=clock.now().astimezone(),
            kind="Письмо",
            annotation=status.subject,
            number=status.number,
            date=status.reg_date,
            author=Party(ctx.org.name, ctx.org.medo_id),
            signer=ctx.signer,
            addressees=[ctx.persons[c.addressee_id] for c in document.copies],
            pdf=document.pdf,
            registration_stamp=registration,
            signature=DocumentSignature(
                signature.content,
                signature_stamp(document.pdf, stamp_lines, (signer_words or [""])[-1]),
            ),
            executor=Party(ctx.org.name, name=ctx.executor[0], phone=ctx.executor[1])
            if ctx.executor[0]
            else None,
            attachments=ctx.attachments,
        )
        package = build_package(letter)
        for file_name, content in package.items():
            run.write(f"{FOLDERS[MEDO]}/{document.folder}/{file_name}", content)
        note = (
            f"{PREPARED_HINT[MEDO]}; подписал {info.owner}, сертификат {info.serial} "
            f"действителен по {date_ru(info.valid_to)}; {chain.line}"
        )
        for c in document.copies:
            run.steps.append(
                Step(
                    c.addressee_id,
                    CopyState.PREPARED,
                    "export",
                    file_name=letter.zip_name,
                    content=package[letter.zip_name] if c is document.copies[0] else b"",
                    uid=uid,
                    note=note,
                )
            )
            run.count(run.outcome.prepared, MEDO)
        run.outcome.signed.append(f"{signature.name}: {info.owner}, сертификат {info.serial}")


def _mail(run: _Run, c: CopyDispatch, sender: str) -> tuple[Mail, str]:
    ctx = run.ctx
    org = ctx.org
    values = {
        "number": ctx.status.number,
        "date": date_ru(ctx.status.reg_date),
        "subject": ctx.status.subject,
        "organization": org.short_name or org.name,
        "recipient": c.name,
        "executor": ctx.executor[0],
        "phone": ctx.executor[1] or org.phone,
        "email": ctx.executor[2] or sender,
    }
    subject = covering_text(org.email_subject or DEFAULT_SUBJECT, values, "Тема письма").strip()
    body = covering_text(org.email_body or DEFAULT_BODY, values, "Сопроводительный текст")
    attachment = f"{safe_name(f'Письмо {ctx.status.number} от {date_ru(ctx.status.reg_date)}')}.pdf"
    mail = Mail(
        sender=sender,
        sender_name=org.short_name or org.name,
        to=c.email.strip(),
        to_name=c.name,
        subject=subject,
        body=body,
        attachment_name=attachment,
        attachment=run.pdf(c),
        date=clock.now().astimezone(),
        files=tuple((a.name, a.content) for a in ctx.attachments),
    )
    return mail, attachment


MEGABYTE = 1024 * 1024


def _email(run: _Run, copies: list[CopyDispatch], send: bool, password: str | None) -> None:
    if not copies:
        return
    org = run.ctx.org
    sender = (org.mail_from or org.email).strip()
    if not valid_address(sender):
        for c in copies:
            run.problem(c, "не указан адрес отправителя (Настройки → Организация → e-mail)")
        return
    messages = {}
    for c in copies:
        if not valid_address(c.email):
            run.problem(c, f"нет адреса электронной почты{f' («{c.email}»)' if c.email else ''}")
            continue
        mail, _attachment = _mail(run, c, sender)
        limit = org.email_max_mb * MEGABYTE
        if (size := message_size(mail)) > limit:
            run.problem(
                c,
                f"письмо с вложениями — {megabytes(size)}, больше {megabytes(limit)} "
                "(Настройки → Отправка почты); отправьте по МЭДО или почтой",
            )
            continue
        messages[c.position] = (c, build_message(mail))
    if not send:
        for c, message in messages.values():
            data = message.as_bytes()
            run.write(f"{FOLDERS[EMAIL]}/{run.name(c)}.eml", data)
            run.steps.append(
                Step(
                    c.addressee_id,
                    CopyState.PREPARED,
                    "export",
                    file_name=f"{run.name(c)}.eml",
                    content=data,
                    uid=str(message["Message-ID"]),
                    note=PREPARED_HINT[EMAIL],
                )
            )
            run.count(run.outcome.prepared, EMAIL)
        return
    from app.services.dispatch.smtp_send import send_messages, smtp_settings
    from app.services.organization.mail_servers import stored_password

    settings = smtp_settings(org)
    settings.validate()
    secret = stored_password(settings) if password is None else password
    results = send_messages(settings, secret, {k: m for k, (_c, m) in messages.items()})
    for key, (c, message) in messages.items():
        reason = results.get(key, "не отправлено")
        if reason:
            run.problem(c, reason)
            run.steps.append(Step(c.addressee_id, CopyState.ERROR, "smtp", note=reason))
            continue
        run.steps.append(
            Step(
                c.addressee_id,
                CopyState.SENT,
                "smtp",
                file_name=f"{run.name(c)}.eml",
                content=message.as_bytes(),
                uid=str(message["Message-ID"]),
                note=f"принято сервером {settings.host}",
            )
        )
        run.count(run.outcome.sent, EMAIL)


def _envelopes(ctx: _Context, size: str, copies: list[CopyDispatch]) -> bytes:
    """One envelope per copy, from the organization to the copy's postal address."""
    return render_envelopes(
        size,
        ctx.org.short_name or ctx.org.name,
        ctx.org.address,
        [EnvelopeAddress(c.lines.splitlines(), c.address, c.postcode) for c in copies],
    )


def _post(run: _Run, copies: list[CopyDispatch], envelope: str) -> None:
    ready = []
    for c in copies:
        if not c.address.strip():
            run.problem(c, "нет почтового адреса (карточка адресата)")
        elif not c.postcode.strip():
            run.problem(c, "нет почтового индекса (карточка адресата)")
        else:
            ready.append(c)
    if not ready:
        return
    ctx = run.ctx
    stem = _stem(ctx.status)
    pages = [run.prepared.pages[c.position - 1] for c in ready]
    run.write(
        f"{FOLDERS[POST]}/{stem} - письма для отправки почтой.pdf",
        render(run.prepared, "pdf", pages),
    )
    run.write(f"{FOLDERS[POST]}/{stem} - конверты {envelope}.pdf", _envelopes(ctx, envelope, ready))
    enclosed = [a.name for a in ctx.attachments]
    for a in ctx.attachments:  # to print and put in the envelope with the letter
        name = safe_name(a.name, 120)
        run.write(f"{FOLDERS[POST]}/{stem} - приложения/{name}", a.content)
    note = f"почтой; вложено: {', '.join(enclosed)}" if enclosed else "почтой"
    for c in ready:
        name = f"{run.name(c)}.pdf"
        run.steps.append(
            Step(
                c.addressee_id,
                CopyState.SENT,
                "export",
                file_name=name,
                content=run.pdf(c),
                note=note,
            )
        )
        run.count(run.outcome.sent, POST)


def dispatch_letter(
    db: Database,
    letter_id: int,
    out: Path,
    *,
    methods: tuple[str, ...] = METHODS,
    recipients: list[str] | None = None,
    send: bool = False,
    password: str | None = None,
    envelope: str = "DL",
    medo_whole: bool = False,
    signatures: list[Path] | None = None,
    again: bool = False,
    progress: Progress | None = None,
    accept_signer: bool = False,
    authorities: Path | None = None,
) -> Outcome:
    """Send every chosen copy by its method; see the module's description. A signature whose
    certificate is not the signatory's is refused unless ``accept_signer`` (the clerk's
    decision, recorded in the audit under their name). ``authorities``: the folder of the
    certification authorities' certificates the signer's must lead to (None: the chain is not
    checked, and the copy's card says so)."""
    if envelope not in SIZES:
        raise UserError(f"Формат конверта «{envelope}»: допустимо {', '.join(SIZES)}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: это файл; укажите папку")
    if not out.parent.is_dir():
        raise UserError(f"{out}: папка {out.parent} не существует")
    signed = [load_signature(Path(path)) for path in signatures or []]
    trusted = load_authorities(authorities) if signed else None  # read once for every copy
    with db.read() as session:
        ctx = _read(session, letter_id)
    prepared = prepare(db, letter_id, per_recipient=True)
    if medo_whole:
        prepared = _with_common(db, letter_id, prepared)
    outcome = Outcome(out)
    by_method = _choose(ctx.status, methods, recipients, again, outcome)
    out.mkdir(exist_ok=True)
    try:
        staging = Path(tempfile.mkdtemp(prefix=".dispatch-", dir=out))
    except OSError as exc:
        raise UserError(f"{out}: не удалось записать файлы ({exc.strerror or exc})") from exc
    run = _Run(ctx, prepared, staging, outcome)
    try:
        total = sum(len(v) for v in by_method.values())
        if progress is not None and not progress(0, total):
            raise ExportCancelled()
        _medo(run, by_method[MEDO], medo_whole, signed, accept_signer, trusted)
        _post(run, by_method[POST], envelope)
        if progress is not None and not progress(total // 2, total):
            raise ExportCancelled()
        _email(run, by_method[EMAIL], send, password)  # last: once sent, nothing is cancelled
        outcome.files = _commit(db, letter_id, run, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if outcome.sent.get(POST):
        from app.services.dispatch.post_list import export_post_list

        day = clock.today()
        for suffix in (".xlsx", ".pdf"):
            name = f"Форма 103 от {day:%d.%m.%Y}{suffix}"
            outcome.files.append(export_post_list(db, day, out / FOLDERS[POST] / name))
    if progress is not None:
        progress(1, 1)
    return outcome


def _choose(
    status: LetterDispatch,
    methods: tuple[str, ...],
    recipients: list[str] | None,
    again: bool,
    outcome: Outcome,
) -> dict[str, list[CopyDispatch]]:
    chosen = [status.copy(ref) for ref in recipients] if recipients else status.copies
    by_method: dict[str, list[CopyDispatch]] = {m: [] for m in METHODS}
    for c in chosen:
        if c.method not in methods:
            if c.method not in METHODS:
                outcome.manual.append(
                    f"№ {c.position} {c.name}: {c.method or 'способ не указан'} — отметьте вручную"
                )
            continue
        if c.done and not again:
            outcome.already.append(f"№ {c.position} {c.name}: уже {c.label.lower()}")
            continue
        by_method[c.method].append(c)
    return by_method


def _commit(db: Database, letter_id: int, run: _Run, out: Path) -> list[Path]:
    """Move the staged files in, then record the steps; a failure takes the files back out."""
    from app.support.atomic import move_in

    def record() -> None:
        with db.write() as session:
            record_in(session, letter_id, run.steps)
            for reason in run.outcome.accepted_signer:
                audit.record(session, "letter", letter_id, "signer_accepted", reason=reason)

    return move_in(run.staged, run.staging, out, record)


def _with_common(db: Database, letter_id: int, prepared: Prepared) -> Prepared:
    common = prepare(db, letter_id)
    return replace(
        prepared, pages=prepared.pages + common.pages, names=prepared.names + common.names
    )


def envelopes_pdf(db: Database, letter_id: int, size: str, out: Path) -> tuple[Path, int]:
    """The envelopes of a letter's postal copies, for the printer; no state changes."""
    from app.support.atomic import write_atomically

    if size not in SIZES:
        raise UserError(f"Формат конверта «{size}»: допустимо {', '.join(SIZES)}")
    if Path(out).suffix.lower() != ".pdf":
        raise UserError(f"{out}: конверты записываются в PDF")
    with db.read() as session:
        ctx = _read(session, letter_id)
    postal = [c for c in ctx.status.copies if c.method == POST]
    if not postal:
        raise UserError(f"В письме № {ctx.status.number} нет адресатов с доставкой почтой")
    missing = [f"№ {c.position} {c.name}" for c in postal if not c.address.strip()]
    if missing:
        raise UserError(f"Нет почтового адреса: {', '.join(missing)}")
    data = _envelopes(ctx, size, postal)

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    return write_atomically(Path(out), write), len(postal)
