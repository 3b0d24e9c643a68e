"""Which rules hold on an intake: the rule set's guards written out as one function.

Each rule is listed under the guards of its condition (``compiler.guards``) and checked only when
one of them is met: under a field that must be true or non-empty (``pregnant equals true``), an
answer a field must take (``acne_in_area equals "comedonal"``), a member a list or set must hold
(``medication_classes contains "anticoagulant"``) or an answer an item of a list must give
(``recent_procedures any_item {type equals "surgery"}``). A rule with no guard is checked on
every intake. Under a guard, the rules for which meeting it is enough
(``compiler.guard_suffices``) are found without a check; a rule listed twice is found once.

``fired_function`` writes the guards as straight-line Python, compiled once per rule set: one
test per guard field, with the conditions of the rules under a true field (or under no guard)
inlined, which costs less than walking tables of guards. Answers, members and items are looked
up in tables bound by name. The source holds only this code, the schema's field names and
names bound to the rules' numbers, tables and values: nothing written in a rule is compiled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .compiler import CompiledGroup, Guard, guard_suffices, guards

# A rule listed under a guard: its number, when meeting the guard is enough; else its number and
# condition. The rules under one guard: those found without a check, and the others.
_Listed = int | tuple[int, CompiledGroup]
_Table = tuple[list[int], list[tuple[int, CompiledGroup]]]


def fired_function(conditions: Sequence[tuple[int, CompiledGroup]]) -> Callable[[dict], set[int]]:
    """``fired(values)``: the numbers of the rules whose condition holds on an intake's values.

    ``conditions`` are the rules' numbers and compiled conditions, in rule-set order.
    """
    listing = _Listing()
    for number, condition in conditions:
        listing.add(number, condition)
    return _FiredSource(listing).compile()


class _Listing:
    """The rules listed under each guard, in a fixed order."""

    def __init__(self):
        self.unguarded: list[tuple[int, CompiledGroup]] = []
        self.true: dict[str, _Table] = {}
        # By kind ("answer", "member", "item"): field name -> answer -> rules.
        self.by_value: dict[str, dict[str, dict[object, _Table]]] = {
            "answer": {},
            "member": {},
            "item": {},
        }

    def add(self, number: int, condition: CompiledGroup) -> None:
        rule_guards = guards(condition)
        if rule_guards is None:
            self.unguarded.append((number, condition))
            return
        exact = guard_suffices(condition)
        listed = number if exact else (number, condition)
        for kind, name, values in sorted(rule_guards, key=_guard_order):
            if kind == "true":
                _list_once(self.true.setdefault(name, ([], [])), exact, listed)
                continue
            table = self.by_value[kind].setdefault(name, {})
            for value in sorted(values or (), key=repr):
                _list_once(table.setdefault(value, ([], [])), exact, listed)


def _list_once(table: _Table, exact: bool, listed: _Listed) -> None:
    """List a rule under a guard once, though two of its guards may list it under one answer
    (``type in [...]`` in two branches): a rule's guards are listed one after the other."""
    rules = table[0 if exact else 1]
    if not rules or rules[-1] is not listed:
        rules.append(listed)  # type: ignore[arg-type]


def _guard_order(guard: Guard) -> tuple:
    """Guards in a fixed order, so the source does not depend on set iteration order."""
    kind, name, values = guard
    return (kind, name, sorted(map(repr, values or ())))


class _FiredSource:
    """The source of one rule set's ``fired`` function and the names it uses."""

    def __init__(self, listing: _Listing):
        self.listing = listing
        self.names: dict[str, object] = {}
        self.bound = 0
        self.lines = [
            "def fired(values):",
            "    found = set()",
            "    add, update = found.add, found.update",
        ]

    def compile(self) -> Callable[[dict], set[int]]:
        for number, condition in self.listing.unguarded:
            self.add_checked(1, number, condition)
        for name, (enough, checked) in self.listing.true.items():
            self.lines.append(f"    if values[{name!r}]:")
            self.add_found(2, enough)
            for number, condition in checked:
                self.add_checked(2, number, condition)
        for name, table in self.listing.by_value["answer"].items():
            self.lines.append(f"    answer = values[{name!r}]")
            self.add_lookup(1, table)
        for name, table in self.listing.by_value["member"].items():
            self.lines.append(f"    for answer in values[{name!r}]:")
            self.add_lookup(2, table)
        for name, table in self.listing.by_value["item"].items():
            list_name, item_name = name.split(".")
            self.lines.append(f"    for item in values[{list_name!r}]:")
            self.lines.append(f"        answer = item[{item_name!r}]")
            self.add_lookup(2, table)
        self.lines.append("    return found")
        # The source is this code over schema field names and bound names (see the docstring).
        exec(compile("\n".join(self.lines), "<fired rules>", "exec"), self.names)  # noqa: S102
        return self.names["fired"]  # type: ignore[return-value]

    def bind(self, value: object) -> str:
        self.bound += 1
        name = f"listed{self.bound}"
        self.names[name] = value
        return name

    def add_found(self, depth: int, numbers: list[int]) -> None:
        indent = "    " * depth
        if len(numbers) == 1:
            self.lines.append(f"{indent}add({numbers[0]})")
        elif numbers:
            self.lines.append(f"{indent}update({self.bind(tuple(numbers))})")

    def add_checked(self, depth: int, number: int, condition: CompiledGroup) -> None:
        """The rule's condition inlined (its bound names are unique across conditions)."""
        self.names.update(condition.namespace or {})
        self.lines.append(f"{'    ' * depth}if {condition.expression}: add({number})")

    def add_lookup(self, depth: int, table: dict[object, _Table]) -> None:
        """The rules listed under ``answer`` in ``table``: found, or checked by a call. (``in``
        first: most answers find no rule, and it costs less than a call of ``get``.)"""
        indent = "    " * depth
        if not any(checked for _, checked in table.values()):
            found = self.bind({value: tuple(enough) for value, (enough, _) in table.items()})
            self.lines += [f"{indent}if answer in {found}:", f"{indent}    update({found}[answer])"]
            return
        listed = self.bind(
            {
                value: (tuple(enough), tuple((n, c.check) for n, c in checked))
                for value, (enough, checked) in table.items()
            }
        )
        self.lines += [
            f"{indent}if answer in {listed}:",
            f"{indent}    enough, checked = {listed}[answer]",
            f"{indent}    update(enough)",
            f"{indent}    for number, check in checked:",
            f"{indent}        if check(values): add(number)",
        ]
