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

The head is locked by an UPDATE before it is read (not SELECT ... FOR UPDATE): on SQLite that
takes the write lock at once, so two writers cannot both read and then deadlock on upgrading.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F

GENESIS = "0" * 64


def chain_of(clinic_id) -> int:
    return clinic_id or 0


def event_hash(event, *, chain: int, position: int, previous_hash: str) -> str:
    """The hash of an event (a model instance or a row of `values()`) at its place in a chain."""
    get = event.get if isinstance(event, dict) else lambda name: getattr(event, name)
    at = get("at").astimezone(datetime.UTC).isoformat(timespec="microseconds")
    fields = [
        chain,
        position,
        previous_hash,
        at,
        get("user_id"),
        get("username"),
        get("clinic_id"),
        get("action"),
        get("object_type"),
        get("object_id"),
        _address(get("remote_addr")),
    ]
    text = json.dumps(fields, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _address(value):
    """The address as the database gives it back (IPv6 compressed, as Django stores it)."""
    from .models import AuditEvent

    return AuditEvent._meta.get_field("remote_addr").get_prep_value(value) or None


def append(event, save) -> None:
    """Write `event` (by calling `save`) and its link, at the end of its clinic's chain."""
    from .models import AuditLink

    chain = chain_of(event.clinic_id)
    with transaction.atomic():
        head = _locked_head(chain)
        save()
        position = head.length + 1
        previous = head.last_hash or GENESIS
        digest = event_hash(event, chain=chain, position=position, previous_hash=previous)
        AuditLink.objects.create(
            event=event, chain=chain, position=position, previous_hash=previous, hash=digest
        )
        type(head).objects.filter(pk=chain).update(
            length=position, last_event_id=event.pk, last_hash=digest
        )


def _locked_head(chain: int):
    from .models import ChainHead

    heads = ChainHead.objects.filter(pk=chain)
    if not heads.update(length=F("length")):
        try:
            with transaction.atomic():
                ChainHead.objects.create(pk=chain)
        except IntegrityError:  # another writer created it first: wait for its lock
            heads.update(length=F("length"))
    return heads.get()


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
