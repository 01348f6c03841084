//! The CloudFormation templates as the tests read them: decoded by
//! cfn-lint (which knows `!Ref` & co), and the hub's state machine with its
//! `!Sub` resolved, so the Map's items can be built as Step Functions does.

use std::process::Command;

use serde_json::Value;

use super::{succeeded, venv_bin};

/// `name` (template.yaml, spoke.yaml) as JSON.
pub fn template(name: &str) -> Value {
    let out = Command::new(venv_bin().join("python"))
        .args([
            "-c",
            "import json,sys; from cfnlint.decode import decode; t,m=decode(sys.argv[1]); assert not m, m; print(json.dumps(t))",
            &format!("{}/{name}", env!("CARGO_MANIFEST_DIR")),
        ])
        .output()
        .unwrap();
    let stdout = succeeded(out);
    serde_json::from_str(&stdout).unwrap()
}

/// The fan-out's definition as deployed with `Targets` and
/// `MapConcurrency`: the `!Sub` text with its variables put in.
pub fn fan_out(targets: &[&str], concurrency: u32) -> Value {
    let t = template("template.yaml");
    let sub = &t["Resources"]["FanOut"]["Properties"]["DefinitionString"]["Fn::Sub"];
    let text = sub[0]
        .as_str()
        .unwrap()
        .replace("${TargetList}", &targets.join("\", \""))
        .replace("${MapConcurrency}", &concurrency.to_string())
        .replace("${AWS::Partition}", "aws")
        .replace(
            "${SchedulerFunction.Arn}",
            "arn:aws:lambda:ap-northeast-2:123456789012:function:hub-scheduler",
        );
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}:\n{text}"))
}

/// The Lambda payloads the Map sends for `event` (the rule's scheduled
/// event): the `Targets` Pass state's list, each item built by the Map's
/// `ItemSelector` (the paths it uses: `$.x`, `$['x']`, `$$.Map.Item.Value`).
pub fn map_items(definition: &Value, event: &Value) -> Vec<Value> {
    let states = &definition["States"];
    let targets = states["Targets"]["Result"].as_array().unwrap();
    let selector = states["EachTarget"]["ItemSelector"].as_object().unwrap();
    targets
        .iter()
        .map(|target| {
            let item = selector.iter().map(|(key, path)| {
                let key = key.strip_suffix(".$").expect("a path");
                let path = path.as_str().unwrap();
                let value = match path {
                    "$$.Map.Item.Value" => target.clone(),
                    _ => {
                        let field = path
                            .strip_prefix("$.")
                            .or_else(|| path.strip_prefix("$['").and_then(|p| p.strip_suffix("']")))
                            .unwrap_or_else(|| panic!("unknown path {path}"));
                        event[field].clone()
                    }
                };
                (key.to_string(), value)
            });
            Value::Object(item.collect())
        })
        .collect()
}

/// `t` with its `Fn::ForEach` loops written out as the LanguageExtensions
/// transform writes them, a `Ref` to a parameter of `params` put in.
pub fn for_each(t: &Value, params: &[(&str, &str)]) -> Value {
    match t {
        Value::Array(a) => Value::Array(a.iter().map(|v| for_each(v, params)).collect()),
        Value::Object(o) => {
            let mut out = serde_json::Map::new();
            for (k, v) in o {
                if !k.starts_with("Fn::ForEach::") {
                    out.insert(k.clone(), for_each(v, params));
                    continue;
                }
                let ident = format!("${{{}}}", v[0].as_str().unwrap());
                for item in v[1].as_array().unwrap() {
                    let value = match &item["Ref"] {
                        Value::String(p) => params.iter().find(|(n, _)| n == p).unwrap().1,
                        _ => item.as_str().unwrap(),
                    };
                    let fragment = serde_json::to_string(&v[2]).unwrap().replace(&ident, value);
                    let fragment: Value = serde_json::from_str(&fragment).unwrap();
                    for (fk, fv) in fragment.as_object().unwrap() {
                        out.insert(fk.clone(), for_each(fv, params));
                    }
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}
