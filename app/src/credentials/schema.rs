//! Validation against the official Open Badges 3.0 AchievementCredential JSON Schema,
//! bundled with the program.

use std::sync::LazyLock;

use serde_json::Value;

const ACHIEVEMENT_CREDENTIAL: &str = include_str!("../../standards/achievementcredential.json");

static VALIDATOR: LazyLock<Result<jsonschema::Validator, String>> = LazyLock::new(|| {
    let schema: Value =
        serde_json::from_str(ACHIEVEMENT_CREDENTIAL).map_err(|error| error.to_string())?;
    jsonschema::draft201909::new(&schema).map_err(|error| error.to_string())
});

/// Lists the ways `document` breaks the schema, as `path: problem`, at most `limit`
/// of them. An empty list means it is valid.
pub fn problems(document: &Value, limit: usize) -> Vec<String> {
    match &*VALIDATOR {
        Ok(validator) => validator
            .iter_errors(document)
            .take(limit)
            .map(|error| {
                let path = error.instance_path().to_string();
                let path = if path.is_empty() { "/".into() } else { path };
                format!("{path}: {error}")
            })
            .collect(),
        Err(error) => vec![format!("the bundled schema could not be loaded: {error}")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn schema_names_missing_fields() {
        assert!(VALIDATOR.is_ok());
        let found = problems(&json!({ "name": "x" }), 5);
        assert!(!found.is_empty());
        assert!(
            found.iter().any(|problem| problem.contains("@context")),
            "{found:?}"
        );
    }
}
