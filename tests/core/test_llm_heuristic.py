"""The offline heuristic provider: deterministic, sensible on Chinook-like names, says what it is."""

from __future__ import annotations

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


def test_chinook_like_names_described_sensibly():
    line = HeuristicProvider().describe_table(INVOICE_LINE)
    texts = {name: p.text for name, p in line.columns.items()}
    assert texts["InvoiceLineId"] == "Unique identifier of the invoice line."
    assert texts["InvoiceId"].startswith("The invoice of this invoice line; references Invoice.InvoiceId")
    assert texts["UnitPrice"].startswith("Unit price of the invoice line, a monetary amount.")
    assert "from 0.99 to 1.99" in texts["UnitPrice"] and "Never empty" in texts["UnitPrice"]
    assert "Always 1" in texts["Quantity"]
    assert line.columns["InvoiceLineId"].confidence > line.columns["Quantity"].confidence
    assert "invoice line" in line.table.text and "an invoice (through InvoiceId)" in line.table.text

    customer = HeuristicProvider().describe_table(CUSTOMER).columns
    assert customer["SupportRepId"].text.startswith(
        "The support representative of this customer, an employee; references Employee.EmployeeId."
    )
    assert customer["Email"].text.startswith("Email address of the customer")
    assert customer["cust_addr"].text.startswith("Address of the customer, as text. Optional")
    assert customer["is_active"].text == "Whether the customer is active."
    assert customer["created_at"].text == "Date and time when the customer was created."
    assert "'active', 'closed'" in customer["status"].text

    assert EMPLOYEE.column("ReportsTo").fk_target
    assert "another employee" in HeuristicProvider().describe_table(EMPLOYEE).columns["ReportsTo"].text
    link = HeuristicProvider().describe_table(PLAYLIST_TRACK)
    assert link.table.text.startswith("Link table connecting playlist and track")
    assert link.columns["TrackId"].text == "Part of the primary key; references the track (Track.TrackId)."


def test_never_just_the_name_and_no_review_flags():
    for facts in (INVOICE_LINE, CUSTOMER, EMPLOYEE, PLAYLIST_TRACK):
        reply = HeuristicProvider().describe_table(facts)
        for name, proposal in reply.columns.items():
            assert not restates_name(name, facts.column(name).type, proposal.text), proposal.text
            assert proposal.flags == ()


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
