"""The offline heuristic provider: deterministic, sensible on Chinook-like names, says what it is."""

from __future__ import annotations

import re
from dataclasses import replace

from amx_core.llm.describe import describe_with_repair
from amx_core.llm.flags import restates_name
from amx_core.llm.names import entity, phrase, split_words
from amx_core.llm.providers.heuristic import HeuristicProvider
from amx_core.llm.types import ColumnFacts, TableFacts

INVOICE_LINE = TableFacts(
    "public",
    "InvoiceLine",
    columns=(
        ColumnFacts("InvoiceLineId", "INTEGER", False, True),
        ColumnFacts("InvoiceId", "INTEGER", False, fk_target="public.Invoice.InvoiceId"),
        ColumnFacts("TrackId", "INTEGER", False, fk_target="public.Track.TrackId"),
        ColumnFacts(
            "UnitPrice",
            "NUMERIC(10,2)",
            False,
            stats={"null_ratio": 0.0, "min": "0.99", "max": "1.99", "distinct_count": 2},
        ),
        ColumnFacts("Quantity", "INTEGER", False, stats={"min": 1, "max": 1}),
    ),
    neighbours=(("public.Invoice", "Sales invoices."), ("public.Track", "Songs.")),
)
CUSTOMER = TableFacts(
    "public",
    "Customer",
    columns=(
        ColumnFacts("CustomerId", "INTEGER", False, True),
        ColumnFacts("FirstName", "VARCHAR(40)", False),
        ColumnFacts("Email", "VARCHAR(60)", False),
        ColumnFacts("SupportRepId", "INTEGER", True, fk_target="public.Employee.EmployeeId", stats={"null_ratio": 0.0}),
        ColumnFacts("cust_addr", "TEXT"),
        ColumnFacts("is_active", "BOOLEAN"),
        ColumnFacts("created_at", "TIMESTAMP"),
        ColumnFacts("status", "VARCHAR(10)", stats={"top_values": ["active", "closed"], "distinct_count": 2}),
    ),
)
EMPLOYEE = TableFacts(
    "public",
    "Employee",
    columns=(
        ColumnFacts("EmployeeId", "INTEGER", False, True),
        ColumnFacts("ReportsTo", "INTEGER", True, fk_target="public.Employee.EmployeeId"),
    ),
)
PLAYLIST_TRACK = TableFacts(
    "public",
    "PlaylistTrack",
    columns=(
        ColumnFacts("PlaylistId", "INTEGER", False, True, fk_target="public.Playlist.PlaylistId"),
        ColumnFacts("TrackId", "INTEGER", False, True, fk_target="public.Track.TrackId"),
    ),
)


def test_words_and_abbreviations():
    assert split_words("SupportRepId") == ["support", "rep", "id"]
    assert split_words("HTTPStatusCode") == ["http", "status", "code"]
    assert split_words("cust_addr2") == ["cust", "addr", "2"]
    assert phrase("emp_dt") == "employee date"
    assert phrase("inv_qty_amt") == "invoice quantity amount"
    assert entity("InvoiceLine") == "invoice line"
    assert entity("order_categories") == "order category"
    assert entity("address") == "address"


def test_deterministic_and_says_it_is_a_heuristic():
    provider = HeuristicProvider()
    first, second = provider.describe_table(CUSTOMER), HeuristicProvider().describe_table(CUSTOMER)
    assert first == second
    for proposal in [first.table, *first.columns.values()]:
        assert "Heuristic description" in proposal.reason
        assert 0.5 <= proposal.confidence <= 0.75
    assert first.tokens_in == first.tokens_out == 0


def test_chinook_like_names_described_by_meaning():
    line = HeuristicProvider().describe_table(INVOICE_LINE)
    texts = {name: p.text for name, p in line.columns.items()}
    assert texts["InvoiceLineId"] == (
        "Unique number identifying each invoice line; a surrogate key with no meaning of its own."
    )
    assert texts["InvoiceId"] == "The invoice of the invoice line; references Invoice.InvoiceId."
    assert texts["UnitPrice"] == "Unit price of the invoice line (a sum of money)."
    assert texts["Quantity"] == "Number of units on the invoice line."
    assert line.columns["InvoiceLineId"].confidence > line.columns["Quantity"].confidence
    assert "invoice line" in line.table.text and "an invoice (through InvoiceId)" in line.table.text

    customer = HeuristicProvider().describe_table(CUSTOMER).columns
    assert customer["SupportRepId"].text == (
        "The employee acting as the customer's support representative; references Employee.EmployeeId. "
        "Empty when the customer has no support representative."
    )
    assert customer["Email"].text == "Email address of the customer."
    assert customer["cust_addr"].text == "Address of the customer. May be empty."
    assert customer["is_active"].text == "Whether the customer is active. May be empty."
    assert (
        customer["created_at"].text
        == "Date and time the customer row was added, without time zone; an audit column. May be empty."
    )
    assert customer["status"].text == "Status of the customer: one of a fixed list of customer statuses. May be empty."

    assert EMPLOYEE.column("ReportsTo").fk_target
    assert HeuristicProvider().describe_table(EMPLOYEE).columns["ReportsTo"].text == (
        "The employee's manager: the employee this one reports to; references Employee.EmployeeId. "
        "Empty for an employee who reports to no one."
    )
    link = HeuristicProvider().describe_table(PLAYLIST_TRACK)
    assert link.table.text == "Links playlists to tracks: each row pairs one playlist with one track."
    assert link.columns["TrackId"].text == "The track linked to the playlist in this row; references Track.TrackId."


def test_profile_statistics_steer_the_words_but_never_appear():
    """UnitPrice's range, Quantity's single value and status's sampled codes are inputs, not text."""
    for facts in (INVOICE_LINE, CUSTOMER):
        for proposal in HeuristicProvider().describe_table(facts).columns.values():
            assert not re.search(r"\d|sample|distinct|range|common|'\w+'", proposal.text), proposal.text
    flag = TableFacts(
        "public",
        "product",
        columns=(
            ColumnFacts("discontinued", "INTEGER", False, stats={"top_values": [0, 1], "min": 0, "max": 1}),
            ColumnFacts("reviewed", "INTEGER", False, stats={"min": 0, "max": 250, "distinct_count": 80}),
        ),
    )
    texts = {name: p.text for name, p in HeuristicProvider().describe_table(flag).columns.items()}
    assert texts["discontinued"] == "Whether the product is discontinued (yes/no, stored as a number)."
    assert not texts["reviewed"].startswith("Whether")


def test_units_money_codes_and_audit_columns():
    film = TableFacts(
        "public",
        "film",
        columns=(
            ColumnFacts("film_id", "INTEGER", False, True),
            ColumnFacts("length_minutes", "SMALLINT", False),
            ColumnFacts("size_mb", "DOUBLE PRECISION", False),
            ColumnFacts("rating", "mpaa_rating", codes=("G", "PG", "PG-13")),
            ColumnFacts("replacement_cost", "NUMERIC(5,2)", False),
            ColumnFacts("currency_cd", "CHAR(3)", False, stats={"min_length": 3, "max_length": 3}),
            ColumnFacts("last_update", "TIMESTAMP WITHOUT TIME ZONE", False, default="now()"),
            ColumnFacts("deleted_at", "TIMESTAMPTZ"),
            ColumnFacts("prequel_id", "INTEGER", True, fk_target="public.film.film_id"),
        ),
    )
    texts = {name: p.text for name, p in HeuristicProvider().describe_table(film).columns.items()}
    assert texts["length_minutes"] == "Length of the film, in minutes."
    assert texts["size_mb"] == "Size of the film, in megabytes."
    assert texts["rating"] == "Rating of the film: one of 'G', 'PG' or 'PG-13'. May be empty."
    assert texts["replacement_cost"] == "Replacement cost of the film (in the currency given by currency_cd)."
    assert texts["currency_cd"] == "Currency of the film, as a three-letter code."
    assert texts["last_update"] == (
        "Date and time the film row was last changed, without time zone; an audit column the database fills in "
        "by default."
    )
    assert texts["deleted_at"] == (
        "Date and time (with time zone) when the film was deleted. Empty while the film has not been deleted."
    )
    assert texts["prequel_id"] == (
        "Another film that is this one's prequel; references film.film_id. Empty when there is none."
    )


def test_statistics_only_when_the_schedule_opts_in_and_then_dated():
    stats = {
        "sample_rows": 1000,
        "null_ratio": 0.0,
        "min": 1,
        "max": 1000,
        "distinct_count": 100,
        "distinct_capped": True,
    }
    track = TableFacts("main", "Track", columns=(ColumnFacts("TrackId", "INTEGER", False, True, stats=stats),))
    plain = HeuristicProvider().describe_table(track).columns["TrackId"]
    assert "1,000" not in plain.text and "As of" not in plain.text
    dated = HeuristicProvider().describe_table(replace(track, with_statistics=True, as_of="2026-12-06"))
    proposal = dated.columns["TrackId"]
    assert proposal.text.endswith(
        "As of 2026-12-06, in a sample of 1,000 rows: values from 1 to 1,000; more than 100 distinct values; "
        "never empty."
    )
    assert proposal.flags == ()
    one = {"sample_rows": 1, "distinct_count": 1, "min": 5, "max": 5, "null_ratio": 0.0}
    single = replace(track, with_statistics=True, as_of="2026-12-06", columns=(ColumnFacts("n", "INTEGER", stats=one),))
    text = HeuristicProvider().describe_table(single).columns["n"].text
    assert "in a sample of 1 row: always 5; 1 distinct value; never empty." in text


def test_never_just_the_name_and_no_review_flags():
    for facts in (INVOICE_LINE, CUSTOMER, EMPLOYEE, PLAYLIST_TRACK):
        reply = HeuristicProvider().describe_table(facts)
        for name, proposal in reply.columns.items():
            assert not restates_name(name, facts.column(name).type, proposal.text), proposal.text
            assert proposal.flags == ()
        assert reply.table.flags == ()


def test_chunked_heuristic_matches_one_shot():
    whole = HeuristicProvider().describe_table(CUSTOMER)
    chunked = describe_with_repair(HeuristicProvider(), CUSTOMER, columns_per_request=3)
    assert chunked.columns == whole.columns and chunked.table == whole.table
    assert list(chunked.columns) == list(CUSTOMER.column_names)


def test_kind_prefixes_are_not_part_of_the_entity():
    from amx_core.llm.names import entity

    assert entity("v_customer_revenue") == "customer revenue"
    assert entity("tbl_users") == "user"
    assert entity("InvoiceLine") == "invoice line"
    assert entity("v") == "v"
