"""The audit trail's hash chain: a change, a removal or an insertion past it is found by `verify`.

Design, and why:

- **One chain per clinic** (chain 0 for events without one, such as failed sign-ins). Writing an
  event locks its clinic's `ChainHead` row for the rest of the transaction: one clinic's events are
  ordered, every other clinic writes at the same time. A single chain would queue every page view
  of the installation; a sealing job would leave the newest events unchained until it runs and
  would be one more process to keep running.
- **The link is a row of its own** (`AuditLink`: chain, position, previous hash, hash), inserted
  with the event in the same transaction. Neither row is ever updated, so both stay under the
  database's refusal of UPDATE and DELETE (screening/immutable.py), and events written before the
  chain existed were linked by inserting their links (migration 0004).
- The hash is SHA-256 over the event's fields, its chain and position and the previous event's
  hash. It is not keyed: whoever can rewrite the tables can also recompute every hash after the
  change. `manage.py audit verify` prints each chain's last hash; keeping those lines elsewhere
  (with the backups) shows such a rewrite later.

Each event moves its head on with one upsert that locks the head's row (not SELECT ... FOR
UPDATE then UPDATE): on SQLite that takes the write lock at once, so two writers cannot both read
and then deadlock on upgrading; on PostgreSQL a writer waiting for the lock then moves on from the
head as the other left it.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from screening.sql import prepared_cursor

GENESIS = "0" * 64


def chain_of(clinic_id) -> int:
    return clinic_id or 0


def event_hash(event, *, chain: int, position: int, previous_hash: str) -> str:
    """The hash of an event (a model instance or a row of `values()`) at its place in a chain."""
    return _hash(_fields_json(event), chain=chain, position=position, previous_hash=previous_hash)


def _hash(fields_json: str, *, chain: int, position: int, previous_hash: str) -> str:
    text = f'[{chain},{position},"{previous_hash}",{fields_json}'
    return hashlib.sha256(text.encode()).hexdigest()


def _fields_json(event) -> str:
    """The hashed text after the chain, the position and the previous hash: the event's own
    fields, the end of the JSON list `[chain, position, previous hash, at, user_id, ...]`."""
    get = event.get if isinstance(event, dict) else lambda name: getattr(event, name)
    at = get("at").astimezone(datetime.UTC).isoformat(timespec="microseconds")
    fields = [
        at,
        get("user_id"),
        get("username"),
        get("clinic_id"),
        get("action"),
        get("object_type"),
        get("object_id"),
        _address(get("remote_addr")),
    ]
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=True)[1:]


def _address(value):
    """The address as the database gives it back (IPv6 compressed, as Django stores it)."""
    from .models import AuditEvent

    return AuditEvent._meta.get_field("remote_addr").get_prep_value(value) or None


# Appending: one upsert moves the head on. It locks the head's row until the transaction ends
# (the chain's first event inserts it), computes the new hash in SQL from the previous one, the
# same text as event_hash, and returns both: no read before the write, no savepoint. On
# PostgreSQL the event, the head and the link are written by one statement (data-modifying
# CTEs); SQLite has no such CTEs, so there it is three statements.

_ADVANCE_HEAD = """
INSERT INTO "audit_chainhead" ("chain", "length", "last_event_id", "previous_hash", "last_hash")
{source}
ON CONFLICT ("chain") DO UPDATE SET
    "length" = "audit_chainhead"."length" + 1,
    "last_event_id" = excluded."last_event_id",
    "previous_hash" = "audit_chainhead"."last_hash",
    "last_hash" = {next_hash}
RETURNING "length", "previous_hash", "last_hash"
"""

_NEXT_TEXT = (
    """'[' || "audit_chainhead"."chain" || ',' || ("audit_chainhead"."length" + 1) || ',"' """
    """|| "audit_chainhead"."last_hash" || '",' || %s"""
)

_APPEND_CTES = """"event" AS ({insert_event}),
"head" AS ({advance_head}),
"link" AS (
    INSERT INTO "audit_auditlink" ("event_id", "chain", "position", "previous_hash", "hash")
    SELECT "event"."id", %s, "head"."length", "head"."previous_hash", "head"."last_hash"
    FROM "event", "head"
    RETURNING "event_id"
)"""


_APPEND = 'WITH {ctes} SELECT "event_id" FROM "link"'


def _advance_head_sql(vendor: str) -> str:
    if vendor == "postgresql":
        source = 'SELECT %s, 1, "event"."id", %s, %s FROM "event"'
        next_hash = f"encode(sha256(convert_to({_NEXT_TEXT}, 'UTF8')), 'hex')"
    else:
        source = "VALUES (%s, 1, %s, %s, %s)"
        next_hash = f"SHA256({_NEXT_TEXT})"  # Django registers SHA256 on SQLite connections
    return _ADVANCE_HEAD.format(source=source, next_hash=next_hash).strip()


def append(event, save) -> None:
    """Write the new `event` (on SQLite by calling `save`) and its link, at the end of its
    clinic's chain."""
    from .models import AuditLink

    if connection.vendor == "postgresql":
        with prepared_cursor() as cursor:
            cursor.execute(_append_statement(type(event)), _append_params(event))
            (event.pk,) = cursor.fetchone()
        event._state.adding, event._state.db = False, connection.alias
        return
    head_params = _head_params(event)
    with transaction.atomic(savepoint=False):
        save()
        head_params.insert(1, event.pk)
        with connection.cursor() as cursor:
            cursor.execute(_advance_head_sql("sqlite"), head_params)
            position, previous, digest = cursor.fetchone()
        AuditLink.objects.create(
            event=event,
            chain=chain_of(event.clinic_id),
            position=position,
            previous_hash=previous,
            hash=digest,
        )


def append_ctes(event, only_if: str = "") -> tuple[str, list]:
    """PostgreSQL: the common table expressions that append the new `event` and its link (the
    last is "link", returning the event's id), and their parameters; to run alone or in a
    statement with more to do (an API call: screening/api/keys.py). With `only_if`, a condition
    on that statement's other expressions, nothing is written unless it holds."""
    return _append_ctes(type(event), only_if), _append_params(event)


def _append_params(event) -> list:
    return [*_insert_params(event), *_head_params(event), chain_of(event.clinic_id)]


def _head_params(event) -> list:
    """The chain, the genesis and first hashes (for its first event) and the event's fields."""
    chain, fields = chain_of(event.clinic_id), _fields_json(event)
    first_hash = _hash(fields, chain=chain, position=1, previous_hash=GENESIS)
    return [chain, GENESIS, first_hash, fields]


@functools.cache
def _append_statement(model) -> str:
    return _APPEND.format(ctes=_append_ctes(model, ""))


@functools.cache
def _append_ctes(model, only_if: str) -> str:
    """The same for every event, so built once per process (building it was a third of writing
    the event)."""
    return _APPEND_CTES.format(
        insert_event=_insert_sql(model, only_if), advance_head=_advance_head_sql("postgresql")
    )


def _insert_sql(model, only_if: str) -> str:
    """The INSERT of a row of `model` returning its id: a SELECT of its values, so that it can
    have a condition."""
    fields = _inserted_fields(model)
    columns = ", ".join(f'"{field.column}"' for field in fields)
    values = ", ".join(["%s"] * len(fields))
    where = f" WHERE {only_if}" if only_if else ""
    table = model._meta.db_table
    return f'INSERT INTO "{table}" ({columns}) SELECT {values}{where} RETURNING "id"'


def _insert_params(event) -> list:
    """The event's values as Django prepares them for its INSERT."""
    db = connections[DEFAULT_DB_ALIAS]  # not the `connection` proxy, which looks it up each time
    return [
        field.get_db_prep_save(field.pre_save(event, add=True), connection=db)
        for field in _inserted_fields(type(event))
    ]


def _inserted_fields(model) -> list:
    return [field for field in model._meta.local_concrete_fields if not field.primary_key]


# Verification


@dataclass
class Problem:
    chain: int
    event_id: int | None
    message: str

    def __str__(self):
        where = f"clinic {self.chain}" if self.chain else "events without a clinic"
        event = f"event {self.event_id}: " if self.event_id is not None else ""
        return f"Broken link in the chain of {where}: {event}{self.message}"


@dataclass
class Report:
    events: int
    chains: dict  # chain -> (length, last hash)
    problems: list


EVENT_FIELDS = [
    "id",
    "at",
    "user_id",
    "username",
    "clinic_id",
    "action",
    "object_type",
    "object_id",
    "remote_addr",
]


def verify() -> Report:
    """Walk every chain from its first link and report the first broken link of each."""
    from .models import AuditEvent, AuditLink, ChainHead

    heads = {head.chain: head for head in ChainHead.objects.all()}  # read before the links
    problems: dict[int, Problem] = {}
    state: dict[int, tuple[int, str, int]] = {}  # chain -> (position, hash, event id)
    links = (
        AuditLink.objects.order_by("chain", "position")
        .values(
            "chain", "position", "previous_hash", "hash", *[f"event__{f}" for f in EVENT_FIELDS]
        )
        .iterator(chunk_size=2000)
    )
    events = 0
    for link in links:
        events += 1
        chain = link["chain"]
        if chain in problems:
            continue
        event = {name: link[f"event__{name}"] for name in EVENT_FIELDS}
        previous = state.get(chain, (0, GENESIS, None))
        problem = _check_link(link, event, previous) or _check_against_head(
            link, event, heads.get(chain)
        )
        if problem:
            problems[chain] = Problem(chain, event["id"], problem)
        else:
            state[chain] = (link["position"], link["hash"], event["id"])
    for chain, head in heads.items():
        if chain not in problems:
            problem = _check_head(head, state.get(chain))
            if problem:
                problems[chain] = Problem(chain, head.last_event_id, problem)
    _check_new_chains(state, heads, problems)
    unlinked = AuditEvent.objects.filter(link__isnull=True).order_by("pk").first()
    if unlinked is not None:
        chain = chain_of(unlinked.clinic_id)
        problems.setdefault(
            chain,
            Problem(chain, unlinked.pk, "it has no link: it was written past the chain."),
        )
    chains = {chain: (position, digest) for chain, (position, digest, _id) in state.items()}
    return Report(events, chains, sorted(problems.values(), key=lambda p: p.chain))


def _check_link(link, event, previous) -> str | None:
    previous_position, previous_hash, previous_id = previous
    if link["position"] != previous_position + 1:
        missing = link["position"] - previous_position - 1
        after = f"after event {previous_id}" if previous_id else "at the start of the chain"
        return f"it is number {link['position']}, so {missing} event(s) {after} are missing."
    if link["previous_hash"] != previous_hash:
        return (
            f"its link names the previous hash {link['previous_hash'][:12]}…, but the event "
            f"before it has {previous_hash[:12]}…: that link was rewritten."
        )
    if chain_of(event["clinic_id"]) != link["chain"]:
        return f"it now belongs to clinic {event['clinic_id']}, not to this chain."
    expected = event_hash(
        event, chain=link["chain"], position=link["position"], previous_hash=previous_hash
    )
    if expected != link["hash"]:
        return (
            f"its fields no longer give the hash written with it ({link['hash'][:12]}…, "
            f"now {expected[:12]}…): it was changed after it was written."
        )
    return None


def _check_against_head(link, event, head) -> str | None:
    if head is None or link["position"] != head.length:
        return None
    if (event["id"], link["hash"]) != (head.last_event_id, head.last_hash):
        return f"it is not the last event its head recorded (event {head.last_event_id})."
    return None


def _check_head(head, reached) -> str | None:
    if head.length == 0:
        return None
    position, digest, event_id = reached or (0, GENESIS, None)
    if position < head.length:
        return (
            f"the chain ends at number {position} but its head counts {head.length} events, "
            f"the last being event {head.last_event_id}: events were removed from the end."
        )
    return None


def _check_new_chains(state, heads, problems) -> None:
    """A chain begun after the heads were read has a head now; a chain without one is broken."""
    from .models import ChainHead

    unheaded = set(state) - set(heads) - set(problems)
    known = set(ChainHead.objects.filter(pk__in=unheaded).values_list("pk", flat=True))
    for chain in sorted(unheaded - known):
        problems[chain] = Problem(chain, state[chain][2], "the chain's head row is missing.")
