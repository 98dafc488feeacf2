//! STIX 2.1 for shared items: an item exported as a bundle (its `report`, the issuer's
//! `identity`, and the TLP 2.0 `marking-definition` with its published id), and a STIX report
//! bundle read as a draft threat bulletin. Ids are given by the caller (UUIDs from random
//! bytes, [`uuid_v4`]): nothing here is random.

use super::tlp::{Tlp, STIX_EXTENSION};
use crate::ValidationError;
use serde_json::{json, Value};

/// When the TLP 2.0 marking definitions were published.
const TLP_CREATED: &str = "2022-10-01T00:00:00.000Z";

/// A UUID of version 4 written from 16 random bytes.
pub fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0F) | 0x40;
    b[8] = (b[8] & 0x3F) | 0x80;
    let h = crate::util::hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// An item as a bundle carries it.
pub struct ExportItem<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
    pub tlp: Tlp,
    /// The item's kind, kept as the report's label.
    pub kind: &'a str,
    pub issuer: &'a str,
    /// RFC 3339, UTC.
    pub published: &'a str,
}

/// The ids of a bundle's objects.
pub struct BundleIds {
    pub bundle: String,
    pub identity: String,
    pub report: String,
}

/// The TLP 2.0 marking definition of a label, as the extension defines it.
pub fn marking_definition(tlp: Tlp) -> Value {
    let word = match tlp {
        Tlp::Clear => "clear",
        Tlp::Green => "green",
        Tlp::Amber => "amber",
        Tlp::AmberStrict => "amber+strict",
        Tlp::Red => "red",
    };
    json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": tlp.stix_marking(),
        "created": TLP_CREATED,
        "name": tlp.label(),
        "extensions": { STIX_EXTENSION: { "extension_type": "property-extension", "tlp_2_0": word } }
    })
}

/// An item as a STIX 2.1 bundle.
pub fn export_bundle(item: &ExportItem<'_>, ids: &BundleIds) -> Value {
    let identity = format!("identity--{}", ids.identity);
    let description = if item.body.is_empty() {
        item.summary.to_string()
    } else {
        format!("{}\n\n{}", item.summary, item.body)
    };
    json!({
        "type": "bundle",
        "id": format!("bundle--{}", ids.bundle),
        "objects": [
            {
                "type": "identity",
                "spec_version": "2.1",
                "id": identity,
                "created": item.published,
                "modified": item.published,
                "name": item.issuer,
                "identity_class": "organization",
                "object_marking_refs": [item.tlp.stix_marking()]
            },
            {
                "type": "report",
                "spec_version": "2.1",
                "id": format!("report--{}", ids.report),
                "created": item.published,
                "modified": item.published,
                "created_by_ref": identity,
                "name": item.title,
                "description": description,
                "report_types": ["threat-report"],
                "labels": [item.kind],
                "published": item.published,
                "object_refs": [identity],
                "object_marking_refs": [item.tlp.stix_marking()]
            },
            marking_definition(item.tlp)
        ]
    })
}

/// A STIX report read as a draft threat bulletin.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedReport {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub tlp: Tlp,
    /// Said when the report carried no TLP marking and AMBER was assumed.
    pub note: Option<String>,
}

fn refuse(message: impl Into<String>) -> ValidationError {
    ValidationError::new("bundle", message)
}

/// Reads a STIX 2.1 bundle holding a report: its name, description (the first paragraph the
/// summary, the rest the body) and TLP marking (AMBER assumed, and said, when it has none; the
/// most restrictive when it has several).
pub fn import_report(text: &str) -> Result<ImportedReport, ValidationError> {
    let v: Value = serde_json::from_str(text).map_err(|e| refuse(format!("not JSON: {e}")))?;
    if v.get("type").and_then(Value::as_str) != Some("bundle") {
        return Err(refuse("not a STIX bundle: its type is not \"bundle\""));
    }
    let objects = v
        .get("objects")
        .and_then(Value::as_array)
        .ok_or_else(|| refuse("the bundle has no objects"))?;
    let report = objects
        .iter()
        .find(|o| o.get("type").and_then(Value::as_str) == Some("report"))
        .ok_or_else(|| refuse("the bundle holds no report"))?;
    let title = report
        .get("name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| refuse("the report has no name"))?;
    if title.chars().count() > 200 {
        return Err(refuse("the report's name is longer than 200 characters"));
    }
    let description = report
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim();
    let (summary, body) = match description.split_once("\n\n") {
        Some((s, b)) => (s.trim(), b.trim()),
        None => (description, ""),
    };
    let markings: Vec<Tlp> = report
        .get("object_marking_refs")
        .and_then(Value::as_array)
        .map(|refs| {
            refs.iter()
                .filter_map(Value::as_str)
                .filter_map(Tlp::of_stix_marking)
                .collect()
        })
        .unwrap_or_default();
    let (tlp, note) = match markings.iter().max() {
        Some(t) => (*t, None),
        None => (
            Tlp::Amber,
            Some("the report carried no TLP marking: TLP:AMBER was assumed".to_string()),
        ),
    };
    Ok(ImportedReport {
        title: title.to_string(),
        summary: summary.to_string(),
        body: body.to_string(),
        tlp,
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> BundleIds {
        BundleIds {
            bundle: uuid_v4([1; 16]),
            identity: uuid_v4([2; 16]),
            report: uuid_v4([3; 16]),
        }
    }

    #[test]
    fn an_item_exports_as_a_report_with_its_identity_and_tlp_marking_and_reads_back() {
        let item = ExportItem {
            title: "Drone sightings near runway 09",
            summary: "Three sightings in a week.",
            body: "Report any sighting to the control tower at once.",
            tlp: Tlp::AmberStrict,
            kind: "threat_bulletin",
            issuer: "Civil Aviation Security Authority",
            published: "2026-12-06T10:00:00.000Z",
        };
        let bundle = export_bundle(&item, &ids());
        let objects = bundle["objects"].as_array().unwrap();
        let types: Vec<&str> = objects
            .iter()
            .map(|o| o["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, vec!["identity", "report", "marking-definition"]);
        assert_eq!(
            objects[1]["object_marking_refs"][0],
            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
        );
        assert_eq!(objects[2]["id"], objects[1]["object_marking_refs"][0]);
        assert_eq!(
            objects[2]["extensions"][STIX_EXTENSION]["tlp_2_0"],
            "amber+strict"
        );
        assert_eq!(objects[1]["created_by_ref"], objects[0]["id"]);
        assert!(bundle["id"].as_str().unwrap().starts_with("bundle--"));
        let back = import_report(&bundle.to_string()).unwrap();
        assert_eq!(back.title, item.title);
        assert_eq!(
            (back.summary.as_str(), back.body.as_str()),
            (item.summary, item.body)
        );
        assert_eq!((back.tlp, back.note), (Tlp::AmberStrict, None));
    }

    #[test]
    fn a_uuid_is_of_version_4() {
        let u = uuid_v4([0xFF; 16]);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn a_malformed_bundle_is_refused_with_what_is_wrong() {
        let cases = [
            ("{", "not JSON"),
            (r#"{"type":"report"}"#, "not a STIX bundle"),
            (r#"{"type":"bundle"}"#, "no objects"),
            (
                r#"{"type":"bundle","objects":[{"type":"identity"}]}"#,
                "no report",
            ),
            (
                r#"{"type":"bundle","objects":[{"type":"report","name":"  "}]}"#,
                "no name",
            ),
        ];
        for (text, says) in cases {
            let e = import_report(text).unwrap_err();
            assert!(e.message.contains(says), "{text}: {}", e.message);
        }
        // No marking: AMBER assumed and said; several: the strictest.
        let unmarked =
            import_report(r#"{"type":"bundle","objects":[{"type":"report","name":"X"}]}"#).unwrap();
        assert_eq!(unmarked.tlp, Tlp::Amber);
        assert!(unmarked.note.is_some());
        let both = format!(
            r#"{{"type":"bundle","objects":[{{"type":"report","name":"X","object_marking_refs":["{}","{}"]}}]}}"#,
            Tlp::Green.stix_marking(),
            Tlp::Red.stix_marking()
        );
        assert_eq!(import_report(&both).unwrap().tlp, Tlp::Red);
    }
}
