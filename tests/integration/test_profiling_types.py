"""Profiling on the real servers copes with every type, never reads secrets and keeps people's names out.

One table per server holds each type the server offers; views, materialized views, partitions and odd
names (quotes, dots, spaces, unicode) are profiled too. The request an analyze run sends is read off the
loopback LLM server: a secret column shows its type and "values withheld", and no secret or name leaks.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from analyze_support import add_profiles, make_schedule, start_run
from llm_server import auto_openai

from amx_core.analyze.executor import AnalyzeOptions, make_analyzer
from amx_core.analyze.profiling import ProfileSettings, profile_table
from amx_core.catalog.resolve import resolve_scope
from amx_core.llm.client import RetryPolicy
from amx_core.llm.prompt import fenced_data
from amx_core.llm.registry import Wiring
from amx_core.scope.paths import format_path

HASH = "8cb2237d0679ca88db6464eac60da96345513964"  # the hash Pagila's staff rows share
NAMES = ("Mary", "Patricia", "Linda")
SECRETS = (HASH, "sk-live-abcdefghijklmnopqrstuvwxyz012345", "s3cr3t-pepper")

PG_SETUP = rf"""
CREATE SCHEMA "odd.schema ü";
SET search_path TO "odd.schema ü";
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE TABLE "all ""types"" t" (
  id serial PRIMARY KEY, tags text[], nums int[], vtags varchar(20)[], grid int[][],
  j json, jb jsonb, tsv tsvector, tq tsquery, raw bytea, m mood, d posint, iv interval,
  r int4range, tr tsrange, dr daterange, nr numrange, money_col money, u uuid, x xml,
  pt point, ln line, ls lseg, bx box, pth path, pg polygon, c circle,
  ip inet, net cidr, mac macaddr, b bit(3), vb varbit, o oid, ts timestamptz, t time, tz timetz,
  flag boolean, "dotted.name" text, "spaced name" text, "ünï ""quoted"" x" text
);
INSERT INTO "all ""types"" t" (tags, nums, vtags, grid, j, jb, tsv, tq, raw, m, d, iv, r, tr, dr, nr, money_col, u, x,
  pt, ln, ls, bx, pth, pg, c, ip, net, mac, b, vb, o, ts, t, tz, flag, "dotted.name", "spaced name", "ünï ""quoted"" x")
SELECT ARRAY['a', 'b'], ARRAY[g, g + 1], ARRAY['x']::varchar(20)[], ARRAY[[1, 2], [3, 4]], '{{"a": 1}}',
  jsonb_build_object('n', g), to_tsvector('hello world'), to_tsquery('hello'), '\x0102', 'ok', g, g * interval '1 day',
  int4range(1, g + 1), tsrange('2020-01-01', '2020-02-01'), daterange('2020-01-01', '2020-02-01'), numrange(1, 2),
  12.5 + g, gen_random_uuid(), '<a>b</a>', point(1, 2), line(point(0, 0), point(1, 1)),
  lseg(point(0, 0), point(1, 1)), box(point(0, 0), point(1, 1)), path '((0,0),(1,1))',
  polygon '((0,0),(1,1),(1,0))', circle '<(0,0),1>', '10.0.0.1', '10.0.0.0/8', '08:00:2b:01:02:03', B'101',
  B'1', 1, now(), '10:00', '10:00+02', g % 2 = 0, 'd', 's', 'u'
FROM generate_series(1, 30) AS g;
CREATE TABLE staff (staff_id int PRIMARY KEY, first_name text, last_name text, password varchar(40),
  api_key text, pepper text, digest text, email text);
INSERT INTO staff SELECT g, (ARRAY{list(NAMES)})[g % 3 + 1], 'Smith', '{HASH}', '{SECRETS[1]}', '{SECRETS[2]}',
  md5(g::text), 'staff' || g || '@example.com' FROM generate_series(1, 12) AS g;
CREATE VIEW "staff.view" AS SELECT staff_id, first_name, password FROM staff;
CREATE VIEW broken AS SELECT staff_id, 1 / (staff_id - staff_id) AS boom FROM staff;
CREATE MATERIALIZED VIEW mood_counts AS SELECT m, count(*) AS n FROM "all ""types"" t" GROUP BY m;
CREATE TABLE events (id int, at date NOT NULL, kind text) PARTITION BY RANGE (at);
CREATE TABLE "events 2024" PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE "events 2025" PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO events SELECT g, DATE '2024-06-01' + g * 10, 'k' || g % 3 FROM generate_series(1, 40) AS g;
"""
PG_SCHEMA = "odd.schema ü"

MYSQL_SETUP = [
    "CREATE TABLE `all ``types`` t` (id int PRIMARY KEY, doc json, body blob, tiny tinyblob, bin varbinary(8),"
    " tags set('a','b','c'), mood enum('sad','ok','happy'), shape geometry, pt point, line linestring,"
    " area polygon, many multipoint, bits bit(3), yr year, t time, dt datetime(3), ts timestamp NULL,"
    " amount decimal(10,2), f double, big bigint unsigned, txt longtext, ch char(3), `dotted.name` text,"
    ' `spaced name` text, `ünï "quoted"` text, password varchar(40), first_name varchar(20))',
    "INSERT INTO `all ``types`` t` SELECT seq, JSON_OBJECT('n', seq), 'xy', 'z', 'ab', 'a,b', 'ok',"
    " ST_GeomFromText('POINT(1 1)'), POINT(1, 2), ST_GeomFromText('LINESTRING(0 0,1 1)'),"
    " ST_GeomFromText('POLYGON((0 0,1 1,1 0,0 0))'), ST_GeomFromText('MULTIPOINT(0 0,1 1)'), b'101', 2024,"
    f" '10:00', NOW(3), NOW(), 12.5, 1.5, seq, 'long', 'abc', 'd', 's', 'u', '{HASH}',"
    f" ELT(seq % 3 + 1, '{NAMES[0]}', '{NAMES[1]}', '{NAMES[2]}') FROM seq_1_to_30",
    "CREATE VIEW `types.view` AS SELECT id, doc, pt, password FROM `all ``types`` t`",
]


def _profiles(store, profile: str, schema: str) -> dict[str, object]:
    """Every table of `schema` resolved live and profiled as an analyze run would: table -> TableProfile."""
    from amx_core.profiles.urls import db_connect_url

    resolved = resolve_scope(store, profile, None, [format_path((schema,))])
    engine = sa.create_engine(db_connect_url(store, profile, resolved.database or None))
    try:
        found = {}
        for table in resolved.tables:
            with engine.connect() as conn:
                columns = [(c.name, c.type) for c in table.columns]
                found[table.name] = (columns, profile_table(conn, schema, table.name, columns, ProfileSettings()))
        return found
    finally:
        engine.dispose()


def _load_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(PG_SETUP, execution_options={"no_parameters": True})
    engine.dispose()


def _covers_every_column(columns, profile) -> None:
    names = {name for name, _type in columns}
    assert set(profile.stats) | set(profile.withheld) == names, (names, profile)
    assert not set(profile.stats) & set(profile.withheld)


@pytest.mark.postgres
def test_postgres_profiles_every_type_and_relation_kind(store, pg_url):
    _load_postgres(pg_url)
    add_profiles(store, pg_url)
    profiles = _profiles(store, "db", PG_SCHEMA)
    assert set(profiles) == {
        'all "types" t',
        "staff",
        "staff.view",
        "broken",
        "mood_counts",
        "events",
        "events 2024",
        "events 2025",
    }
    for name, (columns, profile) in profiles.items():
        if name != "broken":
            assert profile.notes == (), (name, profile.notes)
            _covers_every_column(columns, profile)
        assert all(s["sample_rows"] > 0 for s in profile.stats.values()), name

    columns, types = profiles['all "types" t']
    stats = types.stats
    assert {"distinct_count", "min_length", "max_length"} <= set(stats["tags"]) and "top_values" not in stats["tags"]
    assert stats["nums"]["distinct_count"] == 30 and stats["grid"]["max_length"] == len("{{1,2},{3,4}}")
    assert stats["jb"]["distinct_count"] == 30 and "min" not in stats["jb"]
    assert stats["raw"] == {"sample_rows": 30, "null_ratio": 0.0}
    assert stats["m"]["top_values"] == ["ok"]  # an enum: its labels are what the column means
    assert stats["money_col"]["min"] == 13.5 and stats["iv"]["distinct_count"] == 30
    assert stats["ip"]["personal"] == "ip"
    assert stats['ünï "quoted" x']["top_values"] == ["u"]
    assert profiles["events"][1].stats["at"]["distinct_count"] == 40
    assert profiles["mood_counts"][1].stats["n"]["max"] == 30


@pytest.mark.postgres
def test_postgres_secrets_are_withheld_and_names_masked(store, pg_url):
    _load_postgres(pg_url)
    add_profiles(store, pg_url)
    profiles = _profiles(store, "db", PG_SCHEMA)
    staff = profiles["staff"][1]
    assert staff.withheld == {"password": "secret", "api_key": "secret", "pepper": "secret", "digest": "secret"}
    assert staff.stats["first_name"]["personal"] == "person_name" and staff.stats["email"]["personal"] == "email"
    assert profiles["staff.view"][1].withheld == {"password": "secret"}
    sent = json.dumps([p.stats for _c, p in profiles.values()], default=str)
    assert not [text for text in (*SECRETS, *NAMES, "Smith", "@example.com") if text in sent]

    broken = profiles["broken"][1]  # a column whose every read fails: no statistics and a note, the rest kept
    assert set(broken.stats) == {"staff_id"} and broken.stats["staff_id"]["distinct_count"] == 12
    [note] = broken.notes
    assert note.startswith("column boom") and "division by zero" in note


@pytest.mark.postgres
def test_the_request_shows_a_secret_column_by_type_with_its_values_withheld(store, pg_url, llm_server):
    _load_postgres(pg_url)
    add_profiles(store, pg_url, llm="openai", base_url=llm_server.url, concurrency=1)
    llm_server.respond("/chat/completions", auto_openai())
    scope = [format_path((PG_SCHEMA, "staff"))]
    options = AnalyzeOptions(wiring=Wiring(retry=RetryPolicy(attempts=1)))
    handle = start_run(store, make_schedule(store, scope=scope, review="manual"))
    outcome = make_analyzer(options)(handle.ctx)
    assert outcome.ok, outcome
    [request] = llm_server.requests
    raw = request.raw.decode()
    assert not [text for text in (*SECRETS, *NAMES, "Smith") if text in raw]
    user = next(m["content"] for m in request.body["messages"] if m["role"] == "user")
    columns = {c["name"]: c for c in fenced_data(user)["columns"]}
    withheld = {"name": "password", "type": "VARCHAR(40)", "nullable": True, "values": "withheld (secret)"}
    assert columns["password"] == withheld
    assert columns["digest"]["values"] == "withheld (secret)" and "stats" not in columns["digest"]
    assert columns["first_name"]["stats"]["personal"] == "person_name"


@pytest.mark.mariadb
def test_mariadb_profiles_every_type_and_keeps_secrets_out(store, mysql_url):
    engine = sa.create_engine(mysql_url + "?charset=utf8mb4")
    with engine.begin() as conn:
        for statement in MYSQL_SETUP:
            conn.exec_driver_sql(statement, execution_options={"no_parameters": True})
    engine.dispose()
    schema = sa.engine.make_url(mysql_url).database
    add_profiles(store, mysql_url + "?charset=utf8mb4", database=schema)
    profiles = _profiles(store, "db", schema)
    assert set(profiles) == {"all `types` t", "types.view"}
    for name, (columns, profile) in profiles.items():
        assert profile.notes == (), (name, profile.notes)
        _covers_every_column(columns, profile)
    stats = profiles["all `types` t"][1].stats
    assert stats["doc"]["distinct_count"] == 30 and "min" not in stats["doc"]
    assert stats["body"] == {"sample_rows": 30, "null_ratio": 0.0}
    assert stats["tags"]["top_values"] == ["a,b"] and stats["mood"]["top_values"] == ["ok"]
    assert stats["yr"]["min"] == 2024 and stats["big"]["max"] == 30
    assert stats["first_name"]["personal"] == "person_name"
    assert profiles["all `types` t"][1].withheld == {"password": "secret"}
    sent = json.dumps([p.stats for _c, p in profiles.values()], default=str)
    assert not [text for text in (HASH, *NAMES) if text in sent]
