"""Generating the demo workspace on first start, so `make run` shows real work with no server and no key.

The data is generated from a fixed seed (nothing shipped), so every machine gets the same shop.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from amx_core import config
from amx_core.demo.shop_schema import DDL

DEMO_DB_PROFILE = "demo-shop"
DEMO_LLM_PROFILE = "offline"
SEED = 20261126

FIRST = ["Ana", "Ben", "Chen", "Dara", "Emil", "Fatima", "Goran", "Hana", "Ivo", "Jana", "Kofi", "Lena", "Mateo", "Nia"]
LAST = ["Novak", "Schmidt", "Garcia", "Okafor", "Tanaka", "Rossi", "Silva", "Nowak", "Dubois", "Khan", "Larsen"]
COUNTRIES = ["DE", "FR", "US", "GB", "BR", "JP", "IN", "NG", "PL", "SE"]
CATEGORIES = [
    ("Books", None),
    ("Electronics", None),
    ("Audio", 2),
    ("Computers", 2),
    ("Garden", None),
    ("Kitchen", None),
]
STATUSES = ["placed", "paid", "shipped", "delivered", "returned", "cancelled"]
METHODS = ["card", "paypal", "bank_transfer", "voucher"]


@dataclass(frozen=True)
class DemoWorkspace:
    database_path: Path
    db_profile: str
    llm_profile: str
    created: bool


def demo_db_path() -> Path:
    return config.amx_home() / "demo" / "demo_shop.db"


def build_demo_database(path: Path, *, customers: int = 120, orders: int = 400) -> None:
    """Write the shop schema and seeded rows to a new SQLite file."""
    rng = random.Random(SEED)
    config.ensure_private_dir(path.parent)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    try:
        conn.executescript(DDL)
        start = date(2024, 1, 1)
        conn.executemany(
            "INSERT INTO customers VALUES (?,?,?,?,?,?,?,?)",
            [
                (
                    i,
                    rng.choice(FIRST),
                    rng.choice(LAST),
                    f"user{i}@example.com",
                    f"+49 30 {rng.randint(1000000, 9999999)}" if rng.random() < 0.7 else None,
                    rng.choice(COUNTRIES),
                    (start + timedelta(days=rng.randint(0, 700))).isoformat(),
                    int(rng.random() < 0.9),
                )
                for i in range(1, customers + 1)
            ],
        )
        conn.executemany(
            "INSERT INTO employees VALUES (?,?,?,?,?)",
            [(1, "Mara Lind", "Head of Sales", None, "2019-03-01")]
            + [
                (
                    i,
                    f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "Sales Associate",
                    1,
                    f"202{rng.randint(0, 4)}-0{rng.randint(1, 9)}-15",
                )
                for i in range(2, 9)
            ],
        )
        conn.executemany(
            "INSERT INTO product_categories VALUES (?,?,?)", [(i, n, p) for i, (n, p) in enumerate(CATEGORIES, 1)]
        )
        products = []
        for i in range(1, 61):
            products.append(
                (
                    i,
                    f"SKU-{i:05d}",
                    f"Product {i}",
                    rng.randint(1, len(CATEGORIES)),
                    round(rng.uniform(2, 900), 2),
                    round(rng.uniform(0.05, 25), 2) if rng.random() < 0.8 else None,
                    int(rng.random() < 0.1),
                )
            )
        conn.executemany("INSERT INTO products VALUES (?,?,?,?,?,?,?)", products)
        order_rows: list[tuple] = []
        item_rows: list[tuple] = []
        pay_rows: list[tuple] = []
        for oid in range(1, orders + 1):
            ts = datetime(2025, 1, 1) + timedelta(minutes=rng.randint(0, 60 * 24 * 500))
            lines = rng.randint(1, 4)
            total = 0.0
            for line in range(1, lines + 1):
                prod = rng.choice(products)
                qty = rng.randint(1, 5)
                disc = rng.choice([0, 0, 0, 5, 10, 15])
                item_rows.append((oid, line, prod[0], qty, prod[4], disc))
                total += qty * prod[4] * (1 - disc / 100)
            status = rng.choice(STATUSES)
            order_rows.append(
                (
                    oid,
                    rng.randint(1, customers),
                    rng.choice([None, *range(2, 9)]),
                    ts.isoformat(sep=" "),
                    status,
                    f"{rng.randint(1, 200)} Main Street",
                    round(total, 2),
                )
            )
            if status not in ("placed", "cancelled"):
                method = rng.choice(METHODS)
                pay_rows.append(
                    (
                        len(pay_rows) + 1,
                        oid,
                        method,
                        round(total, 2),
                        (ts + timedelta(hours=rng.randint(1, 48))).isoformat(sep=" "),
                        f"{rng.randint(0, 9999):04d}" if method == "card" else None,
                    )
                )
        conn.executemany("INSERT INTO orders VALUES (?,?,?,?,?,?,?)", order_rows)
        conn.executemany("INSERT INTO order_items VALUES (?,?,?,?,?,?)", item_rows)
        conn.executemany("INSERT INTO payments VALUES (?,?,?,?,?,?)", pay_rows)
        conn.commit()
    finally:
        conn.close()
    tmp.replace(path)


def ensure_demo_workspace(store, *, now: datetime | None = None) -> DemoWorkspace:
    """Create the demo database and its two profiles when they are absent; never touch existing ones."""
    from amx_core.errors import NotFoundError
    from amx_core.services import profiles

    path = demo_db_path()
    created = False
    if not path.exists():
        build_demo_database(path)
        created = True
    try:
        profiles.show_db_profile(store, DEMO_DB_PROFILE)
    except NotFoundError:
        profiles.add_db_profile(store, name=DEMO_DB_PROFILE, url=f"sqlite:///{path}")
        created = True
    try:
        profiles.show_llm_profile(store, DEMO_LLM_PROFILE)
    except NotFoundError:
        profiles.add_llm_profile(store, name=DEMO_LLM_PROFILE, provider="heuristic")
        created = True
    if created:
        _seed_schedules(store, now or datetime.now(UTC))
    return DemoWorkspace(path, DEMO_DB_PROFILE, DEMO_LLM_PROFILE, created)


def _seed_schedules(store, now: datetime) -> None:
    """Two example schedules so the list is not empty on first start (only when there are none).

    Saved without the catalog check: the demo database was written a moment ago with these tables.
    """
    from amx_core.services.schedules import ScheduleInput, create_schedule, list_schedules

    if list_schedules(store):
        return
    tomorrow = (now + timedelta(days=1)).strftime("%Y-%m-%d")
    create_schedule(
        store,
        ScheduleInput(
            name="Nightly shop descriptions",
            at=f"{tomorrow} 02:00",
            tz="UTC",
            cron="0 2 * * *",
            db_profile=DEMO_DB_PROFILE,
            llm_profile=DEMO_LLM_PROFILE,
            scope=("main",),
            review="manual",
        ),
        now=now,
        verify=False,
    )
    create_schedule(
        store,
        ScheduleInput(
            name="Orders and payments (auto-apply)",
            at=f"{tomorrow} 06:30",
            tz="UTC",
            db_profile=DEMO_DB_PROFILE,
            llm_profile=DEMO_LLM_PROFILE,
            scope=("main.orders", "main.payments"),
            review="auto",
        ),
        now=now,
        verify=False,
    )
