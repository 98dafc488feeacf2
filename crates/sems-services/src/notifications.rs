//! A person's notifications.

use crate::{Result, Services};
use sems_storage::notifications::{self, Notification};

impl Services {
    #[tracing::instrument(skip_all)]
    pub async fn notifications(&self, person_id: i64, limit: i64) -> Result<Vec<Notification>> {
        let mut conn = self.store.read().await?;
        Ok(notifications::for_person(&mut conn, person_id, limit).await?)
    }

    #[tracing::instrument(skip_all)]
    pub async fn unread_notifications(&self, person_id: i64) -> Result<i64> {
        let mut conn = self.store.read().await?;
        Ok(notifications::unread_count(&mut conn, person_id).await?)
    }

    /// Marks the person's own notifications read. Reading one's notifications changes no
    /// record of the SeMS, so it is not an audit-trail event.
    #[tracing::instrument(skip_all)]
    pub async fn mark_notifications_read(&self, person_id: i64) -> Result<u64> {
        let mut tx = self.store.write().await?;
        let n = notifications::mark_all_read(tx.conn(), person_id).await?;
        tx.commit().await?;
        Ok(n)
    }
}
