"""The half-year report (issue 14, point 4; OUTCOMES.md «Indicators for the half-year report»): the figures.

A package by the design's rule (past ~600 lines): ``period`` (``?periode=``), ``scope`` (who may read it, about
what), ``cells`` (the public structure and THE suppression) and ``figures`` (the queries and :func:`build`). Import
from here: ``from outcomes import report; report.build(...)``.

Pure query code: :func:`build` reads the rows of one municipality (or one of its follow-up units) for one half-year
in a fixed number of queries, whatever the number of cases, and returns a plain data structure (:class:`Report`:
sections of tables of rows of cells) that the page, the PDF, the CSV and the API render as they are. Nothing here
renders anything.

**Suppression, in one place.** No figure may describe fewer than ``REPORT_MIN_PERSONS`` (5) persons. Every figure is
first built as a raw cell that knows how many distinct persons it describes; :func:`suppress` then hides

* every cell describing 1–4 persons (shown as «under 5»: counts, and the shares, rates and means made from them);
* more cells where a hidden one could be computed back from what is shown (secondary suppression, shown as
  «skjult»): the report states which figures add up to which (:class:`Relation`: the cases open at the end and
  the ended ones make up the cases of the half-year; the caseload per trust person adds up to the open cases;
  «Telefon» and «SMS» make up the place «På telefon eller SMS», and «Møte med annen tjeneste» and «Fulgt til
  avtale» the cooperation's total; a share's count and what is left of its base …). Whenever a relation would let a reader compute a hidden cell (it
  is the only unknown in it), or a group of hidden cells that together describe fewer than 5 persons, the smallest
  figure still shown in it is hidden as well, until no relation gives anything away; and a figure made from hidden
  ones (the mean change next to the counts of better and worse), or counting the same persons as a hidden one
  (those who started work-related activity and O3's «better»), is hidden with them.

and :func:`publish` turns the raw cells into the public :class:`Cell` s, where a hidden figure has *no value at
all* (``None``): what the renderers get cannot show it by mistake. A cell of 0 describes nobody and is shown.

**What is counted** (the definitions, written out on the page under each table):

* A case *belongs to* the half-year when it started on or before its last day and had not ended before its first
  (``started_on``/``ended_on`` as they stand now). *New*: started in the half-year; *ended*: ended in it; the rest
  were *open at the end*, split by the status the case had then: the last status its history recorded by the end
  of the half-year (for a case registered later with an earlier start date, the last status it had before it
  ended, or its status now).
* *Users served*: distinct persons with a case in the half-year; the shares (individual plan, responsibility
  group) are of them.
* *Referral sources*: of the new cases. *Ending reasons* and *handed over*: of the ended ones.
* *Caseload*: the cases open at the end per trust person (the case's trust person then), and per full-time
  equivalent (the trust persons' ``Membership.fte_percent`` in the unit or the municipality's units).
* *Contacts*: entries in the follow-up log in the half-year (not archived; «Forsøkt, men ikke truffet» is not a
  contact and has its own row), per user served per month of the half-year (months so far for the current one);
  places are grouped so no free text is shown.
* *Meetings*: responsibility-group meetings held in the half-year; attendance per partner service as in the
  leader's meetings page (a service is expected when it had a member in the group at the time).
* *Measures* (the plans' *tiltak*): applied for, granted, refused and appealed in the half-year by their dates;
  *without a decision*: a measure that needs one, ran in the half-year, and had none by its end.
* *Quality of life*: for each user with a round in the half-year, the latest such round against the round before
  it (paired: an item counts only when answered in both; «Vet ikke» is missing), scored so that higher is better
  (``instrument.objective_score``, ``SubjectiveItem.score``). *Started work-related activity*: O3 «Nei» in a round
  and «Ja» in the next one, taken in the half-year.

The cases are read through the access gate (``FollowUp.objects.for_user``) and narrowed to the municipality or
unit first; every other query starts from those cases (``follow_up__in``), so no row of another municipality is
read.
"""

from outcomes.report.cells import (
    COUNT,
    DECIMAL,
    HIDDEN,
    NONE,
    PERCENT,
    RATE,
    SHOWN,
    SIGNED,
    SMALL,
    Cell,
    Cells,
    Chart,
    Column,
    RawCell,
    Relation,
    Report,
    Row,
    Section,
    Table,
    cell_text,
    minimum,
    number,
    publish,
    suppress,
)
from outcomes.report.figures import build
from outcomes.report.period import FIRST_YEAR, HalfYear, default_period, parse_period, period_choices
from outcomes.report.scope import Scope, may_read, scope_for, scopes_for

__all__ = [
    "COUNT",
    "DECIMAL",
    "FIRST_YEAR",
    "HIDDEN",
    "NONE",
    "PERCENT",
    "RATE",
    "SHOWN",
    "SIGNED",
    "SMALL",
    "Cell",
    "Cells",
    "Chart",
    "Column",
    "HalfYear",
    "RawCell",
    "Relation",
    "Report",
    "Row",
    "Scope",
    "Section",
    "Table",
    "build",
    "cell_text",
    "default_period",
    "may_read",
    "minimum",
    "number",
    "parse_period",
    "period_choices",
    "publish",
    "scope_for",
    "scopes_for",
    "suppress",
]
