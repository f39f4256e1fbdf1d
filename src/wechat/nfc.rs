//! `urlscheme.generateNFC`: POST /wxa/generatenfcscheme, the scheme an NFC tag
//! holds for a device model (`modelId`), or for one device (`sn`).

use serde::Serialize;
use serde_json::Value;

use super::{jump_wxa, misplaced_page_key, Page, JUMP_WXA};
use crate::error::Failure;
use crate::http::json_text;
use crate::input::{key, keys, Object};

const MODEL_ID: crate::input::Key = keys("modelId", "model_id");
const SN: crate::input::Key = key("sn");

#[derive(Serialize)]
struct Generate<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    jump_wxa: Option<Page>,
    model_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sn: Option<&'a str>,
}

pub fn body(input: &Value) -> Result<String, Failure> {
    let req = Object::new(input, "", &[JUMP_WXA, MODEL_ID, SN]).map_err(misplaced_page_key)?;
    let page = jump_wxa(&req)?;
    let model_id = req.required_string(MODEL_ID)?;
    let sn = req.string(SN)?;
    if sn == Some("") {
        return Err(Failure::invalid(req.field(SN), "must not be empty: leave it out for a scheme per model"));
    }
    Ok(json_text(&Generate { jump_wxa: page, model_id, sn }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::value_of;
    use serde_json::json;

    fn field_of(input: Value) -> String {
        crate::error::invalid_field(body(&input))
    }

    #[test]
    fn cloud_call_names_become_https_names() {
        let input = json!({"jumpWxa": {"path": "pages/tag", "query": "t=1", "envVersion": "trial"}, "modelId": "M1", "sn": "SN-9"});
        assert_eq!(
            value_of(body(&input)).unwrap(),
            json!({"jump_wxa": {"path": "pages/tag", "query": "t=1", "env_version": "trial"}, "model_id": "M1", "sn": "SN-9"})
        );
        assert_eq!(value_of(body(&json!({"model_id": "M1"}))).unwrap(), json!({"model_id": "M1"}));
    }

    #[test]
    fn the_rules() {
        assert_eq!(field_of(json!({})), "modelId");
        assert_eq!(field_of(json!({"modelId": ""})), "modelId");
        assert_eq!(field_of(json!({"modelId": 5})), "modelId");
        assert_eq!(field_of(json!({"modelId": "M1", "sn": ""})), "sn");
        assert_eq!(field_of(json!({"modelId": "M1", "expireTime": 1})), "expireTime", "an NFC scheme takes no expiry");
        assert_eq!(field_of(json!({"modelId": "M1", "path": "pages/a"})), "path", "the page goes inside jumpWxa");
        assert_eq!(field_of(json!({"modelId": "M1", "jumpWxa": {"path": "pages/a?x=1"}})), "jumpWxa.path");
    }
}
