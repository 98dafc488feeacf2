//! Every answer the suite receives from `/api/v1` is checked against the OpenAPI document:
//! the operation exists, the status is one it documents, and a JSON body matches the schema
//! documented for that status. Objects are held strictly here (no property the document does
//! not name), so a field served but not documented fails the suite.

use super::support::Reply;
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

/// The document as the application generates it, made strict for checking.
fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = sems_web::openapi::document();
        close_objects(&mut doc);
        doc
    })
}

/// Adds `unevaluatedProperties: false` to every object schema of the components that is not
/// itself a part of another schema's `allOf` (a flattened part sees only its own properties).
fn close_objects(doc: &mut Value) {
    let mut parts = HashSet::new();
    collect_all_of_refs(doc, &mut parts);
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            if parts.contains(name) {
                continue;
            }
            close(schema);
        }
    }
}

fn close(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if (object.contains_key("properties") || object.contains_key("allOf"))
        && !object.contains_key("additionalProperties")
    {
        object.insert("unevaluatedProperties".into(), Value::Bool(false));
    }
}

fn collect_all_of_refs(value: &Value, into: &mut HashSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(parts)) = map.get("allOf") {
                for part in parts {
                    if let Some(name) = part
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    {
                        into.insert(name.to_string());
                    }
                }
            }
            for v in map.values() {
                collect_all_of_refs(v, into);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_all_of_refs(v, into)),
        _ => {}
    }
}

/// The path template of the document that `path` is an instance of.
fn template_of<'a>(paths: &'a Map<String, Value>, path: &str) -> Option<&'a str> {
    let segments: Vec<&str> = path.split('/').collect();
    paths
        .keys()
        .filter(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()))
        })
        // A literal segment beats a parameter: `/me/tokens` before `/me/{id}`.
        .min_by_key(|template| template.matches('{').count())
        .map(String::as_str)
}

type Validators = Mutex<HashMap<String, Arc<jsonschema::Validator>>>;

fn validator(key: &str, schema: &Value) -> Arc<jsonschema::Validator> {
    static CACHE: OnceLock<Validators> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(key.to_string())
        .or_insert_with(|| {
            let mut root = schema.clone();
            if let Value::Object(map) = &mut root {
                map.insert("components".into(), document()["components"].clone());
            } else {
                root = json!({ "allOf": [schema], "components": document()["components"] });
            }
            Arc::new(
                jsonschema::draft202012::new(&root)
                    .unwrap_or_else(|e| panic!("the schema of {key} does not compile: {e}")),
            )
        })
        .clone()
}

/// Panics unless `reply`, the answer to `method path` (a path under `/api/v1`, with or
/// without a query string), is what the document says that operation answers.
pub fn check(method: &str, path: &str, reply: &Reply) {
    let path = path.split('?').next().unwrap_or(path);
    let doc = document();
    let Some(paths) = doc["paths"].as_object() else {
        panic!("the document has no paths");
    };
    let Some(template) = template_of(paths, path) else {
        // A path the API does not serve answers 404 or 405 without an operation to match.
        assert!(
            matches!(reply.status, 404 | 405),
            "{method} {path} is served ({}) but not in the OpenAPI document",
            reply.status
        );
        return;
    };
    let Some(operation) = paths[template].get(method.to_lowercase()) else {
        assert_eq!(
            reply.status, 405,
            "{method} {template} answered {} but the document has no such operation",
            reply.status
        );
        return;
    };
    let status = reply.status.to_string();
    let Some(response) = operation["responses"].get(&status) else {
        panic!(
            "{method} {template} answered {status}, which the document does not list: {}",
            reply.body
        );
    };
    let media = reply
        .header("content-type")
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    let documented = response.get("content").and_then(Value::as_object);
    if reply.bytes.is_empty() {
        return;
    }
    let Some(content) = documented.and_then(|c| c.get(&media)) else {
        panic!(
            "{method} {template} answered {status} with {media}, which the document does not \
             list for it ({:?})",
            documented.map(|c| c.keys().collect::<Vec<_>>())
        );
    };
    if !media.ends_with("json") {
        return;
    }
    let Some(schema) = content.get("schema") else {
        return;
    };
    let body: Value = serde_json::from_str(&reply.body)
        .unwrap_or_else(|e| panic!("{method} {template} answered JSON that does not parse: {e}"));
    let key = format!("{method} {template} {status} {media}");
    let validator = validator(&key, schema);
    let errors: Vec<String> = validator
        .iter_errors(&body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{key}: the answer does not match its documented schema:\n  {}\nbody: {}",
        errors.join("\n  "),
        reply.body.chars().take(2_000).collect::<String>()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: Value) -> Reply {
        let body = body.to_string();
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            bytes: body.clone().into_bytes(),
            body,
        }
    }

    fn refused(method: &str, path: &str, reply: &Reply) -> bool {
        std::panic::catch_unwind(|| check(method, path, reply)).is_err()
    }

    #[test]
    fn an_answer_unlike_its_schema_is_refused() {
        let party = json!({ "id": 1, "kind": "airport_operator", "name": "North Point",
            "code": "NPT", "active": true, "created_at_ms": 0 });
        assert!(!refused("GET", "/parties/1", &reply(200, party.clone())));
        let mut extra = party.clone();
        extra["internal_column"] = json!(1);
        assert!(
            refused("GET", "/parties/1", &reply(200, extra)),
            "an undocumented field"
        );
        let mut missing = party.clone();
        missing.as_object_mut().map(|m| m.remove("name"));
        assert!(
            refused("GET", "/parties/1", &reply(200, missing)),
            "a missing field"
        );
        let mut word = party.clone();
        word["kind"] = json!("airport");
        assert!(
            refused("GET", "/parties/1", &reply(200, word)),
            "a word not of the vocabulary"
        );
        assert!(
            refused("GET", "/parties/1", &reply(201, party.clone())),
            "an undocumented status"
        );
        assert!(
            refused("GET", "/no/such/path", &reply(200, party)),
            "an undocumented path"
        );
    }
}
