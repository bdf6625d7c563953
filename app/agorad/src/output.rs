//! Printing command results: JSON for scripts, an indented `key: value` text form for people.

use serde_json::Value;

use crate::OutputFormat;

/// Prints `value` in the chosen format on stdout.
pub fn print(value: &Value, format: OutputFormat) {
    match format {
        OutputFormat::Json => println!("{value}"),
        OutputFormat::Text => print!("{}", to_text(value)),
    }
}

/// YAML-like rendering: objects as `key: value` lines, arrays as `- ` items.
pub fn to_text(value: &Value) -> String {
    let mut out = String::new();
    render(value, 0, &mut out);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some("null".into()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if s.is_empty() => Some("\"\"".into()),
        Value::String(s) => Some(s.clone()),
        Value::Array(a) if a.is_empty() => Some("[]".into()),
        Value::Object(o) if o.is_empty() => Some("{}".into()),
        _ => None,
    }
}

fn render(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match scalar(v) {
                    Some(s) => out.push_str(&format!("{pad}{k}: {s}\n")),
                    None => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        render(v, indent + 2, out);
                    }
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                match scalar(item) {
                    Some(s) => out.push_str(&format!("{pad}- {s}\n")),
                    None => {
                        // Render the item two deeper, then turn its first indent into "- ".
                        let mut inner = String::new();
                        render(item, indent + 2, &mut inner);
                        if inner.len() >= indent + 2 {
                            inner.replace_range(indent..indent + 2, "- ");
                        }
                        out.push_str(&inner);
                    }
                }
            }
        }
        other => {
            if let Some(s) = scalar(other) {
                out.push_str(&format!("{pad}{s}\n"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_renders_nested_lists() {
        let v = serde_json::json!({"balances":[{"denom":"uagora"}, "x", []]});
        assert_eq!(to_text(&v), "balances:\n  - denom: uagora\n  - x\n  - []\n");
        assert_eq!(to_text(&serde_json::json!({"a":{"b":""}})), "a:\n  b: \"\"\n");
    }
}
