//! The stack as CloudFormation would create it for a test: a template
//! resolved (parameters, conditions, intrinsic functions, and resources
//! as local stand-ins), each function's binary run under a local Lambda
//! Runtime API with exactly the environment the template gives it, and the
//! AWS calls it made checked against its role's policy.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};

pub const ACCOUNT: &str = "123456789012";
pub const STACK: &str = "test-stack";

/// A template resolved for one test stack.
pub struct Stack {
    pub template: Value,
    pub params: BTreeMap<String, String>,
    pub region: String,
    /// What `!GetAtt BotFunctionUrl.FunctionUrl` gives.
    pub bot_url: String,
}

impl Stack {
    /// `file` with each parameter at its default unless `given`.
    pub fn new(file: &str, given: &[(&str, &str)], region: &str, bot_url: &str) -> Stack {
        let template = super::template::template(file);
        let mut params = BTreeMap::new();
        for (name, p) in template["Parameters"].as_object().unwrap() {
            if let Some(d) = p.get("Default") {
                params.insert(name.clone(), text(d));
            }
        }
        for (k, v) in given {
            assert!(
                template["Parameters"].get(*k).is_some(),
                "{file} has no parameter {k}"
            );
            params.insert(k.to_string(), v.to_string());
        }
        // The LanguageExtensions transform runs first, with the parameters.
        let values: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let template = super::template::for_each(&template, &values);
        Stack {
            template,
            params,
            region: region.into(),
            bot_url: bot_url.into(),
        }
    }

    pub fn condition(&self, name: &str) -> bool {
        let c = &self.template["Conditions"][name];
        assert!(!c.is_null(), "no condition {name}");
        self.truth(c)
    }

    fn truth(&self, c: &Value) -> bool {
        let (op, args) = c.as_object().unwrap().iter().next().unwrap();
        match op.as_str() {
            "Condition" => self.condition(args.as_str().unwrap()),
            "Fn::Not" => !self.truth(&args[0]),
            "Fn::And" => args.as_array().unwrap().iter().all(|a| self.truth(a)),
            "Fn::Or" => args.as_array().unwrap().iter().any(|a| self.truth(a)),
            "Fn::Equals" => {
                let side = |v: &Value| text(&self.resolve(v).unwrap_or(Value::Null));
                side(&args[0]) == side(&args[1])
            }
            _ => panic!("unknown condition function {op}"),
        }
    }

    /// `v` as CloudFormation resolves it; `None` for `AWS::NoValue`.
    pub fn resolve(&self, v: &Value) -> Option<Value> {
        match v {
            Value::Array(items) => Some(Value::Array(
                items.iter().filter_map(|i| self.resolve(i)).collect(),
            )),
            Value::Object(map) if map.len() == 1 => {
                let (k, args) = map.iter().next().unwrap();
                match k.as_str() {
                    "Ref" => self.reference(args.as_str().unwrap()),
                    "Fn::GetAtt" => Some(Value::String(self.get_att_of(args))),
                    "Fn::If" => {
                        let branch = if self.condition(args[0].as_str().unwrap()) {
                            &args[1]
                        } else {
                            &args[2]
                        };
                        self.resolve(branch)
                    }
                    "Fn::Sub" => Some(Value::String(self.sub(args))),
                    "Fn::Join" => {
                        let parts = self.resolve(&args[1]).unwrap();
                        let parts: Vec<String> =
                            parts.as_array().unwrap().iter().map(text).collect();
                        Some(Value::String(parts.join(args[0].as_str().unwrap())))
                    }
                    "Fn::Split" => {
                        let whole = text(&self.resolve(&args[1]).unwrap());
                        let sep = args[0].as_str().unwrap();
                        Some(json!(whole.split(sep).collect::<Vec<_>>()))
                    }
                    "Fn::Select" => {
                        let i: usize = text(&self.resolve(&args[0]).unwrap()).parse().unwrap();
                        Some(self.resolve(&args[1]).unwrap()[i].clone())
                    }
                    k if k.starts_with("Fn::") => panic!("unsupported {k}"),
                    _ => Some(self.object(map)),
                }
            }
            Value::Object(map) => Some(self.object(map)),
            other => Some(other.clone()),
        }
    }

    fn object(&self, map: &serde_json::Map<String, Value>) -> Value {
        Value::Object(
            map.iter()
                .filter_map(|(k, v)| self.resolve(v).map(|v| (k.clone(), v)))
                .collect(),
        )
    }

    fn reference(&self, name: &str) -> Option<Value> {
        let s = |v: String| Some(Value::String(v));
        match name {
            "AWS::NoValue" => None,
            "AWS::Region" => s(self.region.clone()),
            "AWS::AccountId" => s(ACCOUNT.into()),
            "AWS::StackName" => s(STACK.into()),
            "AWS::Partition" => s("aws".into()),
            "AWS::URLSuffix" => s("amazonaws.com".into()),
            _ if self.template["Parameters"].get(name).is_some() => s(self
                .params
                .get(name)
                .unwrap_or_else(|| panic!("parameter {name} has no default: give it"))
                .clone()),
            _ => s(self.physical(name)),
        }
    }

    /// What `Ref` gives for a resource: its name, or its ARN or URL for the
    /// types whose `Ref` is one.
    pub fn physical(&self, logical: &str) -> String {
        let r = &self.template["Resources"][logical];
        assert!(!r.is_null(), "no resource {logical}");
        let generated = format!("{STACK}-{logical}-TEST");
        let named = |prop: &str| {
            self.resolve(&r["Properties"][prop])
                .filter(|v| !v.is_null())
                .map(|v| text(&v))
                .unwrap_or_else(|| generated.clone())
        };
        let (region, account) = (&self.region, ACCOUNT);
        match r["Type"].as_str().unwrap() {
            "AWS::Serverless::Function" => named("FunctionName"),
            "AWS::IAM::Role" => named("RoleName"),
            "AWS::SQS::Queue" => {
                format!("https://sqs.{region}.amazonaws.com/{account}/{generated}")
            }
            "AWS::SNS::Topic" => format!("arn:aws:sns:{region}:{account}:{generated}"),
            "AWS::StepFunctions::StateMachine" => format!(
                "arn:aws:states:{region}:{account}:stateMachine:{}",
                named("StateMachineName")
            ),
            _ => generated,
        }
    }

    fn get_att_of(&self, args: &Value) -> String {
        let (res, att) = match args {
            Value::String(s) => s.split_once('.').unwrap(),
            _ => (args[0].as_str().unwrap(), args[1].as_str().unwrap()),
        };
        self.get_att(res, att)
    }

    pub fn get_att(&self, logical: &str, attribute: &str) -> String {
        let (region, account) = (&self.region, ACCOUNT);
        // SAM's implicit resources: a function's role and Function URL.
        if let Some(function) = logical.strip_suffix("Role") {
            if self.template["Resources"][function]["Type"] == "AWS::Serverless::Function" {
                assert_eq!(attribute, "Arn");
                return format!("arn:aws:iam::{account}:role/{STACK}-{logical}-TEST");
            }
        }
        if let Some(function) = logical.strip_suffix("Url") {
            if self.template["Resources"][function]["Type"] == "AWS::Serverless::Function" {
                assert_eq!((logical, attribute), ("BotFunctionUrl", "FunctionUrl"));
                return self.bot_url.clone();
            }
        }
        let name = self.physical(logical);
        let kind = self.template["Resources"][logical]["Type"]
            .as_str()
            .unwrap();
        match (kind, attribute) {
            ("AWS::DynamoDB::Table", "Arn") => {
                format!("arn:aws:dynamodb:{region}:{account}:table/{name}")
            }
            ("AWS::SQS::Queue", "Arn") => {
                format!("arn:aws:sqs:{region}:{account}:{STACK}-{logical}-TEST")
            }
            ("AWS::SQS::Queue", "QueueName") => format!("{STACK}-{logical}-TEST"),
            ("AWS::Serverless::Function", "Arn") => {
                format!("arn:aws:lambda:{region}:{account}:function:{name}")
            }
            ("AWS::Logs::LogGroup", "Arn") => {
                format!("arn:aws:logs:{region}:{account}:log-group:{name}:*")
            }
            ("AWS::IAM::Role", "Arn") => format!("arn:aws:iam::{account}:role/{name}"),
            ("AWS::Events::Rule", "Arn") => {
                format!("arn:aws:events:{region}:{account}:rule/{name}")
            }
            _ => panic!("no stand-in for {logical}.{attribute} ({kind})"),
        }
    }

    fn sub(&self, args: &Value) -> String {
        let (text_in, vars) = match args {
            Value::String(s) => (s.as_str(), BTreeMap::new()),
            _ => {
                let vars: BTreeMap<String, String> = args[1]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), text(&self.resolve(v).unwrap())))
                    .collect();
                (args[0].as_str().unwrap(), vars)
            }
        };
        let mut out = String::new();
        let mut rest = text_in;
        while let Some(at) = rest.find("${") {
            out.push_str(&rest[..at]);
            let end = rest[at..].find('}').expect("closed ${") + at;
            let name = &rest[at + 2..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str(&format!("${{{literal}}}"));
            } else if let Some(v) = vars.get(name) {
                out.push_str(v);
            } else if let Some((res, att)) = name.split_once('.') {
                out.push_str(&self.get_att(res, att));
            } else {
                out.push_str(&text(&self.reference(name).unwrap()));
            }
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// A function's environment: the Globals' variables, then its own.
    pub fn environment(&self, function: &str) -> BTreeMap<String, String> {
        let mut env = BTreeMap::new();
        for vars in [
            &self.template["Globals"]["Function"]["Environment"]["Variables"],
            &self.template["Resources"][function]["Properties"]["Environment"]["Variables"],
        ] {
            if let Some(Value::Object(map)) = self.resolve(vars) {
                for (k, v) in map {
                    env.insert(k, text(&v));
                }
            }
        }
        env
    }

    /// Every statement of the policies of a SAM function or an IAM role.
    pub fn statements(&self, logical: &str) -> Vec<Value> {
        let r = &self.template["Resources"][logical];
        let policies = self
            .resolve(&r["Properties"]["Policies"])
            .unwrap_or_default();
        policies
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|p| match p.get("PolicyDocument") {
                Some(d) => d.clone(),
                None => p,
            })
            .flat_map(|d| d["Statement"].as_array().cloned().unwrap_or_default())
            .collect()
    }
}

/// A scalar as CloudFormation passes it on (environment values are text).
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// One binary under a local Runtime API: `env` is all it gets, with what
/// the Lambda service itself sets; `Err` holds the error it reported.
pub async fn run_function(
    binary: &str,
    function: &str,
    env: &BTreeMap<String, String>,
    event: &Value,
) -> Result<Value, Value> {
    let mut command = Command::new(binary);
    command
        .env_clear()
        .envs(env)
        .env("LAMBDA_TASK_ROOT", "/var/task")
        .env("TZ", ":UTC");
    super::lambda::run(
        command,
        function,
        &event.to_string(),
        Duration::from_secs(120),
    )
    .await
}

/// A Function URL request (payload format 2.0, as lambda_http reads it)
/// for `url` on the Function URL's host.
pub fn function_url_event(
    http_method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Value {
    let rest = url.split_once("://").unwrap().1;
    let (host, path_query) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (raw_path, raw_query) = path_query.split_once('?').unwrap_or((path_query, ""));
    let mut h = serde_json::Map::new();
    h.insert("host".into(), json!(host));
    h.insert(
        "user-agent".into(),
        json!("Slackbot 1.0 (+https://api.slack.com/robots)"),
    );
    h.insert("x-forwarded-proto".into(), json!("https"));
    for (k, v) in headers {
        h.insert(k.to_ascii_lowercase(), json!(v));
    }
    let api = host.split('.').next().unwrap();
    let mut event = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": if raw_path.is_empty() { "/" } else { raw_path },
        "rawQueryString": raw_query,
        "headers": h,
        "requestContext": {
            "accountId": "anonymous",
            "apiId": api,
            "domainName": host,
            "domainPrefix": api,
            "http": {"method": http_method, "path": raw_path, "protocol": "HTTP/1.1",
                     "sourceIp": "127.0.0.1", "userAgent": "test"},
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "routeKey": "$default",
            "stage": "$default",
            "time": "30/Nov/2026:00:00:00 +0000",
            "timeEpoch": 0
        },
        "isBase64Encoded": false
    });
    if !raw_query.is_empty() {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw_query).unwrap();
        event["queryStringParameters"] =
            Value::Object(pairs.into_iter().map(|(k, v)| (k, json!(v))).collect());
    }
    if !body.is_empty() {
        event["body"] = json!(body);
    }
    event
}

/// One AWS call as the counting moto (or the test's Invoke endpoint) saw
/// it, reduced to what a policy is checked against.
#[derive(Debug, Clone)]
pub struct Call {
    /// `dynamodb:Scan`, `ec2:StopInstances`, ...
    pub action: String,
    pub access_key: String,
    pub resources: Vec<String>,
    /// Tag keys the request sets or removes (`aws:TagKeys`).
    pub tag_keys: Vec<String>,
    /// Attributes an item write names (`dynamodb:Attributes`).
    pub attributes: Vec<String>,
    pub params: Value,
}

impl Call {
    /// From one entry of counting_moto's `GET /__calls`.
    pub fn from_moto(c: &Value) -> Call {
        let action = c["action"].as_str().unwrap().to_string();
        let region = c["region"].as_str().unwrap();
        if action == "dynamodb:TransactWriteItems" {
            return Call::transaction(c);
        }
        let p = &c["params"];
        let param = |k: &str| p[k].as_str().map(str::to_string);
        let numbered = |prefix: &str| -> Vec<String> {
            let mut found: Vec<(usize, String)> = p
                .as_object()
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| {
                            let n = k.strip_prefix(prefix)?.parse().ok()?;
                            Some((n, v.as_str()?.to_string()))
                        })
                        .collect()
                })
                .unwrap_or_default();
            found.sort();
            found.into_iter().map(|(_, v)| v).collect()
        };
        let arn =
            |service: &str, rest: &str| format!("arn:aws:{service}:{region}:{ACCOUNT}:{rest}");
        let table = |t: &str| arn("dynamodb", &format!("table/{t}"));
        let (service, op) = action.split_once(':').unwrap();
        let resources: Vec<String> = match (service, op) {
            ("dynamodb", "BatchWriteItem" | "BatchGetItem") => p["RequestItems"]
                .as_object()
                .unwrap()
                .keys()
                .map(|t| table(t))
                .collect(),
            ("dynamodb", _) => {
                let t = param("TableName").expect("TableName");
                vec![match param("IndexName") {
                    Some(i) => format!("{}/index/{i}", table(&t)),
                    None => table(&t),
                }]
            }
            ("ec2", "DescribeInstances") => vec!["*".into()],
            ("ec2", "StartInstances" | "StopInstances") => numbered("InstanceId.")
                .iter()
                .map(|i| arn("ec2", &format!("instance/{i}")))
                .collect(),
            ("ec2", "CreateTags" | "DeleteTags") => numbered("ResourceId.")
                .iter()
                .map(|i| arn("ec2", &format!("instance/{i}")))
                .collect(),
            ("rds", "DescribeDBInstances" | "StartDBInstance" | "StopDBInstance") => {
                vec![arn(
                    "rds",
                    &format!("db:{}", param("DBInstanceIdentifier").unwrap_or("*".into())),
                )]
            }
            ("rds", "DescribeDBClusters" | "StartDBCluster" | "StopDBCluster") => {
                vec![arn(
                    "rds",
                    &format!(
                        "cluster:{}",
                        param("DBClusterIdentifier").unwrap_or("*".into())
                    ),
                )]
            }
            ("rds", "AddTagsToResource" | "RemoveTagsFromResource") => {
                vec![param("ResourceName").unwrap()]
            }
            ("autoscaling", "DescribeAutoScalingGroups")
            | ("ecs", "ListClusters" | "ListServices")
            | ("application-autoscaling", "DescribeScalableTargets")
            | ("eks", "ListClusters") => vec!["*".into()],
            ("autoscaling", "UpdateAutoScalingGroup") => vec![arn(
                "autoscaling",
                &format!(
                    "autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/{}",
                    param("AutoScalingGroupName").unwrap()
                ),
            )],
            ("ecs", "DescribeServices") => {
                p["services"].as_array().unwrap().iter().map(text).collect()
            }
            ("ecs", "UpdateService") => {
                let cluster = param("cluster").unwrap_or("default".into());
                let cluster = cluster.rsplit('/').next().unwrap().to_string();
                vec![arn(
                    "ecs",
                    &format!("service/{cluster}/{}", param("service").unwrap()),
                )]
            }
            ("application-autoscaling", "RegisterScalableTarget") => {
                vec![arn(
                    "application-autoscaling",
                    "scalable-target/0123456789abcdef",
                )]
            }
            ("sts", "AssumeRole") => vec![param("RoleArn").unwrap()],
            ("events", "PutEvents") => {
                let buses: Vec<String> = p["Entries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["EventBusName"].as_str().unwrap_or("default").to_string())
                    .collect();
                buses
                    .iter()
                    .map(|b| arn("events", &format!("event-bus/{b}")))
                    .collect()
            }
            _ => panic!("the test does not know the resources of {action}: {c}"),
        };
        let mut tag_keys = Vec::new();
        if let Some(m) = p.as_object() {
            for (k, v) in m {
                let parts: Vec<&str> = k.split('.').collect();
                let is_key = matches!(
                    parts.as_slice(),
                    ["Tag", _, "Key"]
                        | ["Tags", "member" | "Tag", _, "Key"]
                        | ["TagKeys", "member", _]
                );
                if is_key {
                    tag_keys.push(v.as_str().unwrap().to_string());
                }
            }
        }
        let mut attributes = Vec::new();
        if service == "dynamodb" && matches!(op, "UpdateItem" | "PutItem" | "DeleteItem") {
            for part in ["Key", "Item"] {
                if let Some(m) = p[part].as_object() {
                    attributes.extend(m.keys().cloned());
                }
            }
            if let Some(m) = p["ExpressionAttributeNames"].as_object() {
                attributes.extend(m.values().map(text));
            }
            for expr in ["UpdateExpression", "ConditionExpression"] {
                let e = param(expr).unwrap_or_default();
                attributes.extend(bare_names(&e));
            }
            attributes.sort();
            attributes.dedup();
        }
        Call {
            action,
            access_key: c["key"].as_str().unwrap_or("?").to_string(),
            resources,
            tag_keys,
            attributes,
            params: p.clone(),
        }
    }
}

impl Call {
    /// A TransactWriteItems of Puts, as IAM authorises it: each Put as a
    /// PutItem of its table and attributes.
    fn transaction(c: &Value) -> Call {
        let puts: Vec<Call> = c["params"]["TransactItems"]
            .as_array()
            .expect("TransactItems")
            .iter()
            .map(|t| {
                let mut put = c.clone();
                put["action"] = Value::from("dynamodb:PutItem");
                put["params"] = t["Put"].clone();
                assert!(put["params"].is_object(), "only Puts are sent: {t}");
                Call::from_moto(&put)
            })
            .collect();
        let mut call = puts[0].clone();
        for put in &puts[1..] {
            call.resources.extend(put.resources.iter().cloned());
            call.attributes.extend(put.attributes.iter().cloned());
        }
        call.resources.sort();
        call.resources.dedup();
        call.attributes.sort();
        call.attributes.dedup();
        call.params = c["params"].clone();
        call
    }
}

/// The attribute names an expression spells out (not `#n` or `:v`).
fn bare_names(expression: &str) -> Vec<String> {
    const WORDS: [&str; 12] = [
        "SET",
        "REMOVE",
        "ADD",
        "DELETE",
        "AND",
        "OR",
        "NOT",
        "if_not_exists",
        "list_append",
        "attribute_exists",
        "attribute_not_exists",
        "size",
    ];
    expression
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '#' || c == ':'))
        .filter(|w| !w.is_empty())
        .filter(|w| !w.starts_with(['#', ':']) && !w.starts_with(|c: char| c.is_ascii_digit()))
        .filter(|w| !WORDS.iter().any(|k| k.eq_ignore_ascii_case(w)))
        .map(str::to_string)
        .collect()
}

/// IAM's `*` and `?` in a resource pattern.
pub fn glob(pattern: &str, s: &str) -> bool {
    let (p, s): (Vec<char>, Vec<char>) = (pattern.chars().collect(), s.chars().collect());
    let (mut pi, mut si, mut star, mut mark) = (0, 0, None, 0);
    while si < s.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = si;
            pi += 1;
        } else if let Some(st) = star {
            pi = st + 1;
            mark += 1;
            si = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().map(text).collect(),
        Value::Null => vec![],
        other => vec![text(other)],
    }
}

/// Whether one statement allows `call` on `resource`; `tagged` tells
/// whether a resource carries the schedule tag. `Err` says which
/// condition refuses it.
fn statement_allows(
    s: &Value,
    call: &Call,
    resource: &str,
    tagged: &dyn Fn(&str) -> bool,
) -> Result<bool, String> {
    if s["Effect"] != "Allow" || !strings(&s["Action"]).iter().any(|a| a == &call.action) {
        return Ok(false);
    }
    if !strings(&s["Resource"]).iter().any(|r| glob(r, resource)) {
        return Ok(false);
    }
    let Some(conditions) = s["Condition"].as_object() else {
        return Ok(true);
    };
    for (op, keys) in conditions {
        for (key, want) in keys.as_object().unwrap() {
            let want = strings(want);
            let holds = match (op.as_str(), key.as_str()) {
                ("Null", "aws:ResourceTag/ScheduleName") => (want == ["false"]) == tagged(resource),
                // The servers the test tags carry no value prefix: only the
                // default (any value) lets them through.
                ("StringLike", "aws:ResourceTag/ScheduleName") => want == ["*"] && tagged(resource),
                ("Null", "aws:TagKeys") => (want == ["false"]) != call.tag_keys.is_empty(),
                ("ForAllValues:StringEquals", "aws:TagKeys") => {
                    call.tag_keys.iter().all(|k| want.contains(k))
                }
                ("ForAllValues:StringEquals", "dynamodb:Attributes") => {
                    call.attributes.iter().all(|a| want.contains(a))
                }
                _ => return Err(format!("condition {op} {key} is not known to the test")),
            };
            if !holds {
                return Err(format!("{op} {key} {want:?} refuses it"));
            }
        }
    }
    Ok(true)
}

/// Whether `statements` allow `call` on every resource it names; `Err`
/// explains the first refusal.
pub fn allowed(
    statements: &[Value],
    call: &Call,
    tagged: &dyn Fn(&str) -> bool,
) -> Result<(), String> {
    for resource in &call.resources {
        let mut why = Vec::new();
        let ok = statements
            .iter()
            .any(|s| match statement_allows(s, call, resource, tagged) {
                Ok(ok) => ok,
                Err(e) => {
                    why.push(format!("{}: {e}", s["Sid"]));
                    false
                }
            });
        if !ok {
            return Err(format!(
                "{} on {resource} is not granted {why:?}",
                call.action
            ));
        }
    }
    Ok(())
}

/// Every action the statements grant.
pub fn granted_actions(statements: &[Value]) -> Vec<String> {
    let mut all: Vec<String> = statements
        .iter()
        .flat_map(|s| strings(&s["Action"]))
        .collect();
    all.sort();
    all.dedup();
    all
}
