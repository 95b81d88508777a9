//! The SQLite read connections, kept without `sqlx::Pool`.
//!
//! sqlx's pool pings every connection as it comes back (a round trip to the
//! connection's thread) and spawns a task to do it, after every query. An
//! embedded database cannot go stale behind our back, so these readers go
//! straight back to the idle list. A reader whose query failed for a reason
//! other than the query itself (I/O, a crashed worker) is closed instead, and
//! a new one is opened when next needed. Readers never hold a transaction, so
//! a query cancelled half-way leaves nothing open: the connection's thread
//! finishes or drops the statement before it runs the next one.

use futures::future::BoxFuture;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use sqlx::sqlite::{SqliteConnectOptions, SqliteQueryResult, SqliteRow, SqliteStatement};
use sqlx::{
    ConnectOptions, Connection, Describe, Either, Execute, Executor, Sqlite, SqliteConnection,
};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// A cheap handle (clones share the same connections).
#[derive(Clone)]
pub struct Readers {
    inner: Arc<Inner>,
}

struct Inner {
    options: SqliteConnectOptions,
    idle: Mutex<Vec<SqliteConnection>>,
    permits: Semaphore,
    wait: Duration,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("free", &self.inner.permits.available_permits())
            .finish_non_exhaustive()
    }
}

/// A reader lent out for one query; it goes back to the idle list on drop.
struct Lease<'a> {
    readers: &'a Readers,
    conn: Option<SqliteConnection>,
    _permit: SemaphorePermit<'a>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            if let Ok(mut idle) = self.readers.inner.idle.lock() {
                idle.push(conn);
            }
        }
    }
}

impl Lease<'_> {
    /// The leased connection (a lease holds one until `settle` drops it).
    fn conn(&mut self) -> Result<&mut SqliteConnection, sqlx::Error> {
        self.conn.as_mut().ok_or(sqlx::Error::PoolClosed)
    }

    /// Keeps the connection only when the error was the query's own.
    fn settle(&mut self, error: &sqlx::Error) {
        if matches!(
            error,
            sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed | sqlx::Error::Protocol(_)
        ) {
            self.conn = None;
        }
    }
}

impl Readers {
    /// Opens one reader now (so a bad path fails at start) and up to `max` on demand.
    pub async fn open(
        options: SqliteConnectOptions,
        max: usize,
        wait: Duration,
    ) -> Result<Self, sqlx::Error> {
        let first = options.connect().await?;
        Ok(Self {
            inner: Arc::new(Inner {
                options,
                idle: Mutex::new(vec![first]),
                permits: Semaphore::new(max.max(1)),
                wait,
            }),
        })
    }

    async fn lease(&self) -> Result<Lease<'_>, sqlx::Error> {
        let inner = &*self.inner;
        let permit = tokio::time::timeout(inner.wait, inner.permits.acquire())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let idle = inner
            .idle
            .lock()
            .map_err(|_| sqlx::Error::PoolClosed)?
            .pop();
        let conn = match idle {
            Some(c) => c,
            None => inner.options.connect().await?,
        };
        Ok(Lease {
            readers: self,
            conn: Some(conn),
            _permit: permit,
        })
    }

    /// Closes the idle readers and refuses new leases.
    pub async fn close(&self) {
        self.inner.permits.close();
        let idle = match self.inner.idle.lock() {
            Ok(mut idle) => std::mem::take(&mut *idle),
            Err(_) => Vec::new(),
        };
        for conn in idle {
            let _ = conn.close().await;
        }
    }
}

impl<'c> Executor<'c> for &'c Readers {
    type Database = Sqlite;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxStream<'e, Result<Either<SqliteQueryResult, SqliteRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Sqlite>,
    {
        // The rows are collected before the reader goes back, so the stream
        // holds no connection while its consumer is slow.
        Box::pin(
            futures::stream::once(async move {
                let mut lease = self.lease().await?;
                let items: Vec<_> = lease.conn()?.fetch_many(query).collect().await;
                if let Some(Err(e)) = items.last() {
                    lease.settle(e);
                }
                Ok::<_, sqlx::Error>(futures::stream::iter(items))
            })
            .try_flatten(),
        )
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxFuture<'e, Result<Option<SqliteRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Sqlite>,
    {
        Box::pin(async move {
            let mut lease = self.lease().await?;
            let r = lease.conn()?.fetch_optional(query).await;
            if let Err(e) = &r {
                lease.settle(e);
            }
            r
        })
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [sqlx::sqlite::SqliteTypeInfo],
    ) -> BoxFuture<'e, Result<SqliteStatement<'q>, sqlx::Error>>
    where
        'c: 'e,
    {
        Box::pin(async move {
            let mut lease = self.lease().await?;
            lease.conn()?.prepare_with(sql, parameters).await
        })
    }

    fn describe<'e, 'q: 'e>(
        self,
        sql: &'q str,
    ) -> BoxFuture<'e, Result<Describe<Sqlite>, sqlx::Error>>
    where
        'c: 'e,
    {
        Box::pin(async move {
            let mut lease = self.lease().await?;
            lease.conn()?.describe(sql).await
        })
    }
}
