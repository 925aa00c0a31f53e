"""DDL of the demo shop: a small but realistic schema with keys, views and undescribed columns."""

DDL = """
CREATE TABLE customers (
    cust_id      INTEGER PRIMARY KEY,
    first_nm     TEXT NOT NULL,
    last_nm      TEXT NOT NULL,
    email_addr   TEXT UNIQUE,
    phone_no     TEXT,
    country_cd   TEXT NOT NULL,
    signup_dt    DATE NOT NULL,
    is_active    INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE employees (
    emp_id       INTEGER PRIMARY KEY,
    full_nm      TEXT NOT NULL,
    title        TEXT,
    mgr_id       INTEGER REFERENCES employees(emp_id),
    hire_dt      DATE
);
CREATE TABLE product_categories (
    cat_id       INTEGER PRIMARY KEY,
    cat_nm       TEXT NOT NULL,
    parent_cat_id INTEGER REFERENCES product_categories(cat_id)
);
CREATE TABLE products (
    prod_id      INTEGER PRIMARY KEY,
    sku          TEXT NOT NULL UNIQUE,
    prod_nm      TEXT NOT NULL,
    cat_id       INTEGER NOT NULL REFERENCES product_categories(cat_id),
    unit_price   NUMERIC(10,2) NOT NULL,
    weight_kg    REAL,
    discontinued INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE orders (
    order_id     INTEGER PRIMARY KEY,
    cust_id      INTEGER NOT NULL REFERENCES customers(cust_id),
    emp_id       INTEGER REFERENCES employees(emp_id),
    order_ts     TIMESTAMP NOT NULL,
    status_cd    TEXT NOT NULL,
    ship_addr    TEXT,
    total_amt    NUMERIC(12,2) NOT NULL
);
CREATE TABLE order_items (
    order_id     INTEGER NOT NULL REFERENCES orders(order_id),
    line_no      INTEGER NOT NULL,
    prod_id      INTEGER NOT NULL REFERENCES products(prod_id),
    qty          INTEGER NOT NULL,
    unit_price   NUMERIC(10,2) NOT NULL,
    disc_pct     REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, line_no)
);
CREATE TABLE payments (
    pmt_id       INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders(order_id),
    pmt_method   TEXT NOT NULL,
    amt          NUMERIC(12,2) NOT NULL,
    paid_ts      TIMESTAMP,
    card_last4   TEXT
);
CREATE VIEW v_customer_revenue AS
    SELECT c.cust_id, c.country_cd, COUNT(o.order_id) AS order_cnt, SUM(o.total_amt) AS revenue_amt
    FROM customers c LEFT JOIN orders o ON o.cust_id = c.cust_id
    GROUP BY c.cust_id, c.country_cd;
"""
