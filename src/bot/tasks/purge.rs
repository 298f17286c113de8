//! The daily purge of what `[storage] retention_days` no longer keeps.

use crate::bot::shared::clock::now_ms;
use crate::bot::shared::Shared;
use crate::store::Write;
use std::sync::Arc;
use std::time::Duration;

/// Deletes what is older than `[storage] retention_days`, now and every day after.
pub async fn purge_daily(shared: Arc<Shared>) {
    let mut every = tokio::time::interval(Duration::from_secs(24 * 3600));
    loop {
        every.tick().await;
        let Some(memory) = &shared.memory else { return };
        let older_than_ms = shared.config().storage.purge_before_ms(now_ms());
        memory.send(Write::Purge { older_than_ms });
    }
}
