//! Submitted HTML forms, read into each page's typed form by `serde_html_form` (repeated names,
//! such as checkboxes, into `Vec`s; a blank number into `None`), with the values as typed
//! kept beside it so that a refused form is shown again as the person left it.
//!
//! A page's form is a `#[derive(Deserialize)]` struct named after what it submits; the
//! helpers in [`field`] read what browsers send for the inputs serde does not know (a
//! checkbox's "on", a blank text, a textarea of lines).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// The name–value pairs of a form as submitted, in order.
#[derive(Debug, Clone, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// A submitted form: `fields` typed as the page declares them, `values` as typed (for
/// [`crate::pages::FormState::refused`]). A body that is not a form, or a value the form's type
/// cannot hold (letters in a number), is refused with 400 and the reason.
pub struct Form<T> {
    pub fields: T,
    pub values: FormData,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bad = |message: String| (StatusCode::BAD_REQUEST, message).into_response();
        let content_type = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !content_type.starts_with("application/x-www-form-urlencoded") {
            return Err(bad(
                "Expected a form (application/x-www-form-urlencoded).".into()
            ));
        }
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|e| bad(e.body_text()))?;
        let fields = serde_html_form::from_bytes(&body).map_err(|e| {
            bad(format!(
                "The form holds a value this page does not accept: {e}."
            ))
        })?;
        let values = serde_html_form::from_bytes(&body)
            .map_err(|e| bad(format!("The form could not be read: {e}.")))?;
        Ok(Form {
            fields,
            values: FormData(values),
        })
    }
}

/// Readers for `#[serde(default, deserialize_with = "…")]` of what browsers send.
pub mod field {
    use serde::{Deserialize, Deserializer};

    /// A checkbox: present as "on" (or "true", "1") when ticked, absent when not.
    pub fn checkbox<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        let v = String::deserialize(d)?;
        Ok(matches!(v.as_str(), "on" | "true" | "1"))
    }

    /// A text that may be left blank: trimmed, `None` when blank.
    pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        let v = String::deserialize(d)?;
        let v = v.trim();
        Ok((!v.is_empty()).then(|| v.to_string()))
    }

    /// A textarea of one entry per line, blank lines dropped.
    pub fn lines<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        let v = String::deserialize(d)?;
        Ok(v.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect())
    }

    /// A picker of a record whose blank choice is "none" and whose value is an id; anything
    /// else a browser cannot send from the picker is read as no choice, for the service to
    /// refuse where a choice is required.
    pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        let v = String::deserialize(d)?;
        Ok(v.trim().parse().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::field;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Sample {
        #[serde(default)]
        title: String,
        #[serde(default)]
        score: Option<i64>,
        #[serde(default, deserialize_with = "field::checkbox")]
        reassess: bool,
        #[serde(default, deserialize_with = "field::text")]
        note: Option<String>,
        #[serde(default, deserialize_with = "field::lines")]
        evidence: Vec<String>,
        #[serde(default, deserialize_with = "field::id")]
        site_id: Option<i64>,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[test]
    fn a_form_reads_as_browsers_send_it() {
        let s: Sample = serde_html_form::from_str(
            "title=Fence&score=3&reassess=on&note=+&evidence=a%0D%0A%0D%0Ab&site_id=&tags=x&tags=y",
        )
        .expect("a form");
        assert_eq!(
            s,
            Sample {
                title: "Fence".into(),
                score: Some(3),
                reassess: true,
                note: None,
                evidence: vec!["a".into(), "b".into()],
                site_id: None,
                tags: vec!["x".into(), "y".into()],
            }
        );
        let empty: Sample = serde_html_form::from_str("score=").expect("a blank form");
        assert_eq!(empty.score, None);
        assert!(!empty.reassess);
        assert!(serde_html_form::from_str::<Sample>("score=high").is_err());
    }
}
