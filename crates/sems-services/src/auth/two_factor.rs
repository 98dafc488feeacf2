//! Two-factor sign-in: set up (a secret pending until confirmed with a code), enable and
//! disable, each after the person's password.

use super::{end_credentials, SessionContext};
use crate::secrets::random_bytes;
use crate::{record_security_event, Actor, Result, ServiceError, Services, NONE};
use sems_domain::totp;
use sems_storage::{now_ms, people};
use serde_json::json;

/// What a TOTP secret is bound to when sealed: its person and field.
fn totp_binding(person_id: i64) -> String {
    format!("person/{person_id}/totp_secret")
}

impl Services {
    /// Seals a TOTP secret for the database with the key kept outside it (the one that seals
    /// confidential reporters' identities), bound to its person: a copy of the database alone
    /// gives nobody's second factor.
    pub(crate) fn seal_totp(&self, person_id: i64, secret: &str) -> Result<String> {
        self.reporting_config()?
            .seal(secret, &totp_binding(person_id))
    }

    /// The TOTP secret as stored: sealed, or (written before secrets were sealed) in base32,
    /// whose alphabet never starts a sealed value.
    pub(crate) fn open_totp(&self, person_id: i64, stored: &str) -> Result<String> {
        if stored.starts_with("v1:") || stored.starts_with("v2:") {
            self.reporting_config()?
                .open(stored, &totp_binding(person_id))
        } else {
            Ok(stored.to_string())
        }
    }

    /// Starts two-factor setup: a new secret, pending until confirmed with a code.
    /// Returns the secret in base32 and the `otpauth://` URI.
    #[tracing::instrument(skip_all)]
    pub async fn begin_two_factor(&self, ctx: &SessionContext) -> Result<(String, String)> {
        if ctx.person.totp_enabled {
            return Err(ServiceError::Conflict(
                "two-factor sign-in is already on".into(),
            ));
        }
        let secret = totp::base32_encode(&random_bytes(20)?);
        let sealed = self.seal_totp(ctx.person.id, &secret)?;
        let mut tx = self.store.write().await?;
        people::set_totp(tx.conn(), ctx.person.id, Some(&sealed), false).await?;
        record_security_event(
            tx.conn(),
            &Actor::Person(ctx.subject.clone()),
            ctx.person.party_id,
            Some(ctx.person.id),
            crate::trail::PERSON_TWO_FACTOR_SETUP_STARTED,
            NONE,
        )
        .await?;
        tx.commit().await?;
        let uri = totp::otpauth_uri(&self.config.totp_issuer, &ctx.person.username, &secret);
        Ok((secret, uri))
    }

    /// The pending secret of a setup in progress, if any.
    #[tracing::instrument(skip_all)]
    pub async fn pending_two_factor(
        &self,
        ctx: &SessionContext,
    ) -> Result<Option<(String, String)>> {
        let mut conn = self.store.read().await?;
        let creds = people::credentials(&mut conn, ctx.person.id)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        Ok(match (creds.totp_enabled, creds.totp_secret) {
            (false, Some(stored)) => {
                let secret = self.open_totp(ctx.person.id, &stored)?;
                let uri =
                    totp::otpauth_uri(&self.config.totp_issuer, &ctx.person.username, &secret);
                Some((secret, uri))
            }
            _ => None,
        })
    }

    /// Confirms two-factor setup with a code from the app.
    #[tracing::instrument(skip_all)]
    pub async fn enable_two_factor(
        &self,
        ctx: &SessionContext,
        code: &str,
        password: &str,
    ) -> Result<()> {
        self.check_own_password(ctx, password).await?;
        let mut tx = self.store.write().await?;
        let creds = people::credentials(tx.conn(), ctx.person.id)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        let Some(stored) = creds.totp_secret.filter(|_| !creds.totp_enabled) else {
            return Err(ServiceError::Conflict(
                "start the two-factor setup first".into(),
            ));
        };
        let secret = self.open_totp(ctx.person.id, &stored)?;
        let bytes = totp::base32_decode(&secret).unwrap_or_default();
        let Some(step) = totp::verify(&bytes, code, now_ms() / 1000) else {
            return Err(ServiceError::from(sems_domain::ValidationError::new(
                "code",
                "is not the current code of your authenticator app",
            )));
        };
        // Sealed again, so that a secret stored in base32 before sealing is sealed from now on.
        let sealed = self.seal_totp(ctx.person.id, &secret)?;
        people::set_totp(tx.conn(), ctx.person.id, Some(&sealed), true).await?;
        people::set_totp_last_step(tx.conn(), ctx.person.id, step).await?;
        let revoked = end_credentials(tx.conn(), ctx.person.id, Some(&ctx.session_hash)).await?;
        record_security_event(
            tx.conn(),
            &Actor::Person(ctx.subject.clone()),
            ctx.person.party_id,
            Some(ctx.person.id),
            crate::trail::PERSON_TWO_FACTOR_ENABLED,
            Some(&json!({ "api_tokens_revoked": revoked })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Turns two-factor sign-in off; asks for the password again.
    #[tracing::instrument(skip_all)]
    pub async fn disable_two_factor(&self, ctx: &SessionContext, password: &str) -> Result<()> {
        self.check_own_password(ctx, password).await?;
        let mut tx = self.store.write().await?;
        people::set_totp(tx.conn(), ctx.person.id, None, false).await?;
        let revoked = end_credentials(tx.conn(), ctx.person.id, Some(&ctx.session_hash)).await?;
        record_security_event(
            tx.conn(),
            &Actor::Person(ctx.subject.clone()),
            ctx.person.party_id,
            Some(ctx.person.id),
            crate::trail::PERSON_TWO_FACTOR_DISABLED,
            Some(&json!({ "api_tokens_revoked": revoked })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
