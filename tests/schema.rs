//! Schema conformance: compares a live database against the ERD in
//! `tests/fixtures/schema.json` (a copy of `seed/schema.json`).
//!
//! Used as `mod schema;` from `tests/main.rs`. For every ERD table and column
//! it checks: the table exists; the column exists (and the table has no
//! undocumented extra column); NOT NULL (primary key columns count as not
//! null); primary key membership; UNIQUE (a single-column unique constraint or
//! a unique, non-partial index on exactly that one plain column; the primary
//! key itself does not count); the foreign key target `table.column`; and the
//! type family for the dialect (see `docs/schema.md`). Every mismatch is
//! collected, so one run reports them all.
//!
//! Only `sqlx::query` + `Row::try_get` are used (no compile-time database).
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use sqlx::Row;

const SCHEMA_JSON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema.json");

/// `(table, column)` pairs that exist on purpose although the ERD has no such
/// column. Each one must be listed with its reason in `docs/schema.md`.
const ALLOWED_EXTRA_COLUMNS: &[(&str, &str)] = &[];

// ---------------------------------------------------------------------------
// Introspection SQL (kept as constants so it can be run by hand).
// ---------------------------------------------------------------------------

const SQLITE_TABLES: &str = r#"SELECT name AS table_name FROM sqlite_master WHERE type = 'table'"#;

const SQLITE_COLUMNS: &str = r#"SELECT name AS column_name, type AS decl_type, "notnull" AS not_null, pk AS pk_pos
FROM pragma_table_info(?)
ORDER BY cid"#;

/// Unique indexes of a table, with how many key columns each has and the name
/// of its single plain column (NULL for expression-only indexes).
const SQLITE_UNIQUE_INDEXES: &str = r#"SELECT il.name AS index_name,
       il.origin AS origin,
       il.partial AS is_partial,
       (SELECT COUNT(*) FROM pragma_index_info(il.name)) AS key_count,
       (SELECT ii.name FROM pragma_index_info(il.name) AS ii WHERE ii.cid >= 0 LIMIT 1) AS column_name
FROM pragma_index_list(?) AS il
WHERE il."unique" = 1"#;

const SQLITE_FOREIGN_KEYS: &str = r#"SELECT "from" AS column_name, "table" AS ref_table, "to" AS ref_column
FROM pragma_foreign_key_list(?)"#;

const PG_TABLES: &str = r#"SELECT table_name::text AS table_name
FROM information_schema.tables
WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"#;

const PG_COLUMNS: &str = r#"SELECT column_name::text AS column_name,
       data_type::text AS data_type,
       character_maximum_length::int4 AS max_len,
       is_nullable::text AS is_nullable,
       is_identity::text AS is_identity
FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = $1
ORDER BY ordinal_position"#;

/// PRIMARY KEY and UNIQUE constraints with their columns.
const PG_KEY_CONSTRAINTS: &str = r#"SELECT tc.constraint_name::text AS constraint_name,
       tc.constraint_type::text AS constraint_type,
       kcu.column_name::text AS column_name
FROM information_schema.table_constraints AS tc
JOIN information_schema.key_column_usage AS kcu
  ON kcu.constraint_schema = tc.constraint_schema
 AND kcu.constraint_name = tc.constraint_name
 AND kcu.table_schema = tc.table_schema
 AND kcu.table_name = tc.table_name
WHERE tc.table_schema = current_schema()
  AND tc.table_name = $1
  AND tc.constraint_type IN ('PRIMARY KEY', 'UNIQUE')"#;

const PG_FOREIGN_KEYS: &str = r#"SELECT kcu.column_name::text AS column_name,
       ccu.table_name::text AS ref_table,
       ccu.column_name::text AS ref_column
FROM information_schema.table_constraints AS tc
JOIN information_schema.key_column_usage AS kcu
  ON kcu.constraint_schema = tc.constraint_schema
 AND kcu.constraint_name = tc.constraint_name
 AND kcu.table_schema = tc.table_schema
 AND kcu.table_name = tc.table_name
JOIN information_schema.constraint_column_usage AS ccu
  ON ccu.constraint_schema = tc.constraint_schema
 AND ccu.constraint_name = tc.constraint_name
WHERE tc.table_schema = current_schema()
  AND tc.table_name = $1
  AND tc.constraint_type = 'FOREIGN KEY'"#;

/// Unique, non-primary, non-partial indexes whose only key is one plain
/// column (expression indexes such as lower(email) are excluded).
const PG_UNIQUE_INDEXES: &str = r#"SELECT a.attname::text AS column_name
FROM pg_index AS i
JOIN pg_class AS t ON t.oid = i.indrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
WHERE n.nspname = current_schema()
  AND t.relname = $1
  AND i.indisunique
  AND NOT i.indisprimary
  AND i.indnkeyatts = 1
  AND i.indexprs IS NULL
  AND i.indpred IS NULL"#;

// ---------------------------------------------------------------------------
// ERD model
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Varchar,
    Datetime,
    Boolean,
    Integer,
}

#[derive(Debug, Clone)]
struct ErdColumn {
    name: String,
    ty: String,
    primary_key: bool,
    not_null: bool,
    unique: bool,
    references: Option<String>,
    max_length: Option<i64>,
}

impl ErdColumn {
    fn family(&self) -> Option<Family> {
        let t = self.ty.trim().to_ascii_uppercase();
        if t == "VARCHAR" || t.starts_with("VARCHAR(") {
            Some(Family::Varchar)
        } else if t == "DATETIME" {
            Some(Family::Datetime)
        } else if t == "BOOLEAN" {
            Some(Family::Boolean)
        } else if t == "INTEGER" {
            Some(Family::Integer)
        } else {
            None
        }
    }

    /// `max_length`, or the `n` of `VARCHAR(n)` when `max_length` is absent.
    fn varchar_length(&self) -> Option<i64> {
        self.max_length.or_else(|| {
            let t = self.ty.trim();
            let open = t.find('(')?;
            let close = t.rfind(')')?;
            t.get(open + 1..close)?.trim().parse().ok()
        })
    }
}

/// ERD tables in name order.
fn load_erd() -> BTreeMap<String, Vec<ErdColumn>> {
    let text = std::fs::read_to_string(SCHEMA_JSON)
        .unwrap_or_else(|e| panic!("cannot read {SCHEMA_JSON}: {e}"));
    let json: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{SCHEMA_JSON} is not valid JSON: {e}"));
    let tables = json
        .get("tables")
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("{SCHEMA_JSON} has no \"tables\" object"));

    let mut erd = BTreeMap::new();
    for (table, cols) in tables {
        let cols = cols
            .as_array()
            .unwrap_or_else(|| panic!("{SCHEMA_JSON}: tables.{table} is not an array"));
        let mut out = Vec::with_capacity(cols.len());
        for c in cols {
            let string = |key: &str| c.get(key).and_then(Value::as_str).map(str::to_owned);
            let flag = |key: &str| c.get(key).and_then(Value::as_bool).unwrap_or(false);
            let name = string("name")
                .unwrap_or_else(|| panic!("{SCHEMA_JSON}: a column of {table} has no name"));
            let ty = string("type")
                .unwrap_or_else(|| panic!("{SCHEMA_JSON}: {table}.{name} has no type"));
            out.push(ErdColumn {
                name,
                ty,
                primary_key: flag("primary_key"),
                not_null: flag("not_null"),
                unique: flag("unique"),
                references: string("references"),
                max_length: c.get("max_length").and_then(Value::as_i64),
            });
        }
        erd.insert(table.clone(), out);
    }
    erd
}

// ---------------------------------------------------------------------------
// Live model (filled per dialect)
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct LiveColumn {
    name: String,
    /// SQLite: declared type; PostgreSQL: information_schema data_type.
    ty: String,
    not_null: bool,
    primary_key: bool,
    /// PostgreSQL only: character_maximum_length.
    max_len: Option<i64>,
    /// PostgreSQL only: is_identity = 'YES'.
    is_identity: bool,
}

#[derive(Debug, Clone, Default)]
struct LiveTable {
    columns: Vec<LiveColumn>,
    /// Columns that are UNIQUE on their own.
    unique: BTreeSet<String>,
    /// column -> referenced "table.column" (normally exactly one).
    foreign_keys: BTreeMap<String, BTreeSet<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Sqlite,
    Postgres,
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Compares one ERD table with its live counterpart, appending mismatches.
fn compare_table(
    dialect: Dialect,
    table: &str,
    erd_cols: &[ErdColumn],
    live: &LiveTable,
    out: &mut Vec<String>,
) {
    let erd_names: BTreeSet<&str> = erd_cols.iter().map(|c| c.name.as_str()).collect();

    for live_col in &live.columns {
        let allowed = ALLOWED_EXTRA_COLUMNS
            .iter()
            .any(|(t, c)| *t == table && *c == live_col.name);
        if !erd_names.contains(live_col.name.as_str()) && !allowed {
            out.push(format!(
                "{table}.{}: column exists in the database but not in the ERD",
                live_col.name
            ));
        }
    }

    for erd in erd_cols {
        let col = erd.name.as_str();
        let Some(live_col) = live.columns.iter().find(|c| c.name == erd.name) else {
            out.push(format!("{table}.{col}: column is missing"));
            continue;
        };

        // NOT NULL (primary key columns count as not null).
        let live_not_null = live_col.not_null || live_col.primary_key;
        let erd_not_null = erd.not_null || erd.primary_key;
        if live_not_null != erd_not_null {
            out.push(format!(
                "{table}.{col}: NOT NULL expected {}, found {}",
                yes_no(erd_not_null),
                yes_no(live_not_null)
            ));
        }

        // Primary key membership.
        if live_col.primary_key != erd.primary_key {
            out.push(format!(
                "{table}.{col}: PRIMARY KEY member expected {}, found {}",
                yes_no(erd.primary_key),
                yes_no(live_col.primary_key)
            ));
        }

        // UNIQUE on exactly this column.
        let live_unique = live.unique.contains(&erd.name);
        if live_unique != erd.unique {
            out.push(format!(
                "{table}.{col}: UNIQUE expected {}, found {}",
                yes_no(erd.unique),
                yes_no(live_unique)
            ));
        }

        // Foreign key target.
        let empty = BTreeSet::new();
        let live_refs = live.foreign_keys.get(&erd.name).unwrap_or(&empty);
        match &erd.references {
            Some(target) => {
                if live_refs.len() != 1 || !live_refs.contains(target) {
                    out.push(format!(
                        "{table}.{col}: FOREIGN KEY expected -> {target}, found {}",
                        describe_refs(live_refs)
                    ));
                }
            }
            None => {
                if !live_refs.is_empty() {
                    out.push(format!(
                        "{table}.{col}: FOREIGN KEY expected none, found {}",
                        describe_refs(live_refs)
                    ));
                }
            }
        }

        // Type family.
        let Some(family) = erd.family() else {
            out.push(format!("{table}.{col}: unknown ERD type {:?}", erd.ty));
            continue;
        };
        match dialect {
            Dialect::Sqlite => {
                let expected = match family {
                    Family::Varchar | Family::Datetime => "TEXT",
                    Family::Boolean => "BOOLEAN",
                    Family::Integer => "INTEGER",
                };
                let found = live_col.ty.trim().to_ascii_uppercase();
                if found != expected {
                    out.push(format!(
                        "{table}.{col}: type expected {expected} (ERD {}), found {:?}",
                        erd.ty, live_col.ty
                    ));
                }
            }
            Dialect::Postgres => {
                let expected = match family {
                    Family::Varchar => "character varying",
                    Family::Datetime => "timestamp with time zone",
                    Family::Boolean => "boolean",
                    Family::Integer => "integer",
                };
                if live_col.ty != expected {
                    out.push(format!(
                        "{table}.{col}: type expected {expected} (ERD {}), found {:?}",
                        erd.ty, live_col.ty
                    ));
                } else if family == Family::Varchar && live_col.max_len != erd.varchar_length() {
                    out.push(format!(
                        "{table}.{col}: VARCHAR length expected {:?}, found {:?}",
                        erd.varchar_length(),
                        live_col.max_len
                    ));
                }
                if family == Family::Integer && erd.primary_key && !live_col.is_identity {
                    out.push(format!(
                        "{table}.{col}: INTEGER primary key should be an identity column"
                    ));
                }
            }
        }
    }
}

fn describe_refs(refs: &BTreeSet<String>) -> String {
    if refs.is_empty() {
        "none".to_owned()
    } else {
        refs.iter()
            .map(|r| format!("-> {r}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn compare_all(
    dialect: Dialect,
    erd: &BTreeMap<String, Vec<ErdColumn>>,
    live: &BTreeMap<String, LiveTable>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (table, cols) in erd {
        match live.get(table) {
            Some(live_table) => compare_table(dialect, table, cols, live_table, &mut out),
            None => out.push(format!("{table}: table is missing")),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// SQLite
// ---------------------------------------------------------------------------

/// `row.try_get(column)`, panicking with context: a failure here is a bug in
/// this checker, not a schema mismatch.
fn sqlite_get<'r, T>(row: &'r sqlx::sqlite::SqliteRow, column: &str, context: &str) -> T
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(column)
        .unwrap_or_else(|e| panic!("{context}: reading column {column}: {e}"))
}

async fn sqlite_table(pool: &sqlx::SqlitePool, table: &str) -> LiveTable {
    let mut live = LiveTable::default();

    let ctx = format!("{table}: pragma_table_info");
    let rows = sqlx::query(SQLITE_COLUMNS)
        .bind(table)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{ctx} failed: {e}"));
    for row in &rows {
        let pk_pos: i64 = sqlite_get(row, "pk_pos", &ctx);
        let not_null: i64 = sqlite_get(row, "not_null", &ctx);
        let decl_type: Option<String> = sqlite_get(row, "decl_type", &ctx);
        live.columns.push(LiveColumn {
            name: sqlite_get(row, "column_name", &ctx),
            ty: decl_type.unwrap_or_default(),
            not_null: not_null != 0,
            primary_key: pk_pos > 0,
            max_len: None,
            is_identity: false,
        });
    }

    let ctx = format!("{table}: pragma_index_list");
    let rows = sqlx::query(SQLITE_UNIQUE_INDEXES)
        .bind(table)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{ctx} failed: {e}"));
    for row in &rows {
        let origin: String = sqlite_get(row, "origin", &ctx);
        let is_partial: i64 = sqlite_get(row, "is_partial", &ctx);
        let key_count: i64 = sqlite_get(row, "key_count", &ctx);
        let column: Option<String> = sqlite_get(row, "column_name", &ctx);
        // origin 'u' = UNIQUE constraint, 'c' = CREATE UNIQUE INDEX; 'pk' is
        // the primary key and does not count as UNIQUE. An expression-only
        // index (lower(email)) has no plain column name.
        if (origin == "u" || origin == "c") && is_partial == 0 && key_count == 1 {
            if let Some(column) = column {
                live.unique.insert(column);
            }
        }
    }

    let ctx = format!("{table}: pragma_foreign_key_list");
    let rows = sqlx::query(SQLITE_FOREIGN_KEYS)
        .bind(table)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{ctx} failed: {e}"));
    for row in &rows {
        let column: String = sqlite_get(row, "column_name", &ctx);
        let ref_table: String = sqlite_get(row, "ref_table", &ctx);
        let ref_column: Option<String> = sqlite_get(row, "ref_column", &ctx);
        // `REFERENCES t` without a column list targets t's primary key.
        let ref_column = match ref_column {
            Some(c) => c,
            None => sqlite_primary_key(pool, &ref_table)
                .await
                .unwrap_or_else(|| "<primary key>".to_owned()),
        };
        live.foreign_keys
            .entry(column)
            .or_default()
            .insert(format!("{ref_table}.{ref_column}"));
    }

    live
}

/// The single-column primary key of `table`, if it has one.
async fn sqlite_primary_key(pool: &sqlx::SqlitePool, table: &str) -> Option<String> {
    let ctx = format!("{table}: pragma_table_info");
    let rows = sqlx::query(SQLITE_COLUMNS)
        .bind(table)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{ctx} failed: {e}"));
    let mut pk: Vec<String> = Vec::new();
    for row in &rows {
        let pk_pos: i64 = sqlite_get(row, "pk_pos", &ctx);
        if pk_pos > 0 {
            pk.push(sqlite_get(row, "column_name", &ctx));
        }
    }
    if pk.len() == 1 {
        pk.pop()
    } else {
        None
    }
}

/// Every difference between the SQLite database behind `pool` and the ERD.
pub async fn sqlite_mismatches(pool: &sqlx::SqlitePool) -> Vec<String> {
    let erd = load_erd();

    let ctx = "sqlite_master";
    let rows = sqlx::query(SQLITE_TABLES)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{ctx}: listing tables failed: {e}"));
    let mut existing: BTreeSet<String> = BTreeSet::new();
    for row in &rows {
        existing.insert(sqlite_get(row, "table_name", ctx));
    }

    let mut live = BTreeMap::new();
    for table in erd.keys() {
        if existing.contains(table) {
            live.insert(table.clone(), sqlite_table(pool, table).await);
        }
    }
    compare_all(Dialect::Sqlite, &erd, &live)
}

/// Panics with every mismatch if the SQLite schema does not match the ERD.
pub async fn assert_sqlite_matches(pool: &sqlx::SqlitePool) {
    let mismatches = sqlite_mismatches(pool).await;
    assert!(
        mismatches.is_empty(),
        "schema mismatches:\n{}",
        mismatches.join("\n")
    );
}

// ---------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------

/// `row.try_get(column)`, panicking with context: a failure here is a bug in
/// this checker, not a schema mismatch.
fn pg_get<'r, T>(row: &'r sqlx::postgres::PgRow, column: &str, context: &str) -> T
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(column)
        .unwrap_or_else(|e| panic!("{context}: reading column {column}: {e}"))
}

async fn postgres_table(pool: &sqlx::PgPool, table: &str) -> LiveTable {
    let mut live = LiveTable::default();

    let ctx = format!("{table}: information_schema.columns");
    let rows = sqlx::query(PG_COLUMNS)
        .bind(table)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{ctx} failed: {e}"));
    for row in &rows {
        let is_nullable: String = pg_get(row, "is_nullable", &ctx);
        let is_identity: Option<String> = pg_get(row, "is_identity", &ctx);
        let max_len: Option<i32> = pg_get(row, "max_len", &ctx);
        live.columns.push(LiveColumn {
            name: pg_get(row, "column_name", &ctx),
            ty: pg_get(row, "data_type", &ctx),
            not_null: is_nullable == "NO",
            primary_key: false,
            max_len: max_len.map(i64::from),
            is_identity: is_identity.as_deref() == Some("YES"),
        });
    }

    let ctx = format!("{table}: table_constraints");
    let rows = sqlx::query(PG_KEY_CONSTRAINTS)
        .bind(table)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{ctx} failed: {e}"));
    // constraint name -> (constraint type, columns)
    let mut constraints: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for row in &rows {
        let name: String = pg_get(row, "constraint_name", &ctx);
        let kind: String = pg_get(row, "constraint_type", &ctx);
        let column: String = pg_get(row, "column_name", &ctx);
        constraints
            .entry(name)
            .or_insert_with(|| (kind, Vec::new()))
            .1
            .push(column);
    }
    for (kind, columns) in constraints.values() {
        if kind == "PRIMARY KEY" {
            for column in columns {
                if let Some(c) = live.columns.iter_mut().find(|c| c.name == *column) {
                    c.primary_key = true;
                }
            }
        } else if kind == "UNIQUE" && columns.len() == 1 {
            live.unique.insert(columns[0].clone());
        }
    }

    let ctx = format!("{table}: pg_index");
    let rows = sqlx::query(PG_UNIQUE_INDEXES)
        .bind(table)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{ctx} failed: {e}"));
    for row in &rows {
        live.unique.insert(pg_get(row, "column_name", &ctx));
    }

    let ctx = format!("{table}: foreign keys");
    let rows = sqlx::query(PG_FOREIGN_KEYS)
        .bind(table)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{ctx} failed: {e}"));
    for row in &rows {
        let column: String = pg_get(row, "column_name", &ctx);
        let ref_table: String = pg_get(row, "ref_table", &ctx);
        let ref_column: String = pg_get(row, "ref_column", &ctx);
        live.foreign_keys
            .entry(column)
            .or_default()
            .insert(format!("{ref_table}.{ref_column}"));
    }

    live
}

/// Every difference between the PostgreSQL database (current schema) behind
/// `pool` and the ERD.
pub async fn postgres_mismatches(pool: &sqlx::PgPool) -> Vec<String> {
    let erd = load_erd();

    let ctx = "information_schema.tables";
    let rows = sqlx::query(PG_TABLES)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{ctx}: listing tables failed: {e}"));
    let mut existing: BTreeSet<String> = BTreeSet::new();
    for row in &rows {
        existing.insert(pg_get(row, "table_name", ctx));
    }

    let mut live = BTreeMap::new();
    for table in erd.keys() {
        if existing.contains(table) {
            live.insert(table.clone(), postgres_table(pool, table).await);
        }
    }
    compare_all(Dialect::Postgres, &erd, &live)
}

/// Panics with every mismatch if the PostgreSQL schema does not match the ERD.
pub async fn assert_postgres_matches(pool: &sqlx::PgPool) {
    let mismatches = postgres_mismatches(pool).await;
    assert!(
        mismatches.is_empty(),
        "schema mismatches:\n{}",
        mismatches.join("\n")
    );
}
