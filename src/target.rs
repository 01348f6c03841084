//! Targets: the account-regions a hub deployment schedules, each written
//! `ROLE_ARN@REGION` (a spoke role to assume) or `self@REGION` (the hub's
//! own account). A schedule's `Targets` attribute names the ones it
//! applies to; dependency groups stay within one target.

use std::fmt;

/// One account-region.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    /// The role to assume; `None`: the hub's own credentials (`self`).
    pub role: Option<String>,
    pub region: String,
}

impl Target {
    /// Parses `ROLE_ARN@REGION` or `self@REGION`.
    pub fn parse(text: &str) -> Result<Target, String> {
        let t = text.trim();
        let bad = || format!("{t:?} is not ROLE_ARN@REGION or self@REGION");
        let (role, region) = t.rsplit_once('@').ok_or_else(bad)?;
        let region = region.trim();
        let region_ok = !region.is_empty()
            && region
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !region_ok {
            return Err(bad());
        }
        let role = match role.trim() {
            "self" => None,
            arn if arn.starts_with("arn:") && arn.contains(":role/") => Some(arn.to_string()),
            _ => return Err(bad()),
        };
        Ok(Target {
            role,
            region: region.to_string(),
        })
    }

    /// A comma-separated list (`TARGETS`); empty is no targets.
    pub fn parse_list(text: &str) -> Result<Vec<Target>, String> {
        text.split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(Target::parse)
            .collect()
    }

    /// The account id in the role's ARN (`None` for `self`).
    pub fn account(&self) -> Option<&str> {
        self.role.as_deref().and_then(|arn| arn.split(':').nth(4))
    }

    /// How messages name it: `111111111111 eu-west-1`, or the region.
    pub fn label(&self) -> String {
        match self.account() {
            Some(a) => format!("{a} {}", self.region),
            None => self.region.clone(),
        }
    }

    /// The key this target's state items start with in the state table.
    pub fn partition(&self) -> String {
        format!("target:{self}/")
    }
}

/// Serialised as written: `ROLE_ARN@REGION` or `self@REGION`.
impl serde::Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for Target {
    /// The form it was written in: `ROLE_ARN@REGION` or `self@REGION`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}@{}",
            self.role.as_deref().unwrap_or("self"),
            self.region
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_read_and_name_themselves() {
        let t =
            Target::parse(" arn:aws:iam::111111111111:role/scheduler-spoke@eu-west-1 ").unwrap();
        assert_eq!(t.account(), Some("111111111111"));
        assert_eq!(t.label(), "111111111111 eu-west-1");
        assert_eq!(
            t.to_string(),
            "arn:aws:iam::111111111111:role/scheduler-spoke@eu-west-1"
        );
        let own = Target::parse("self@ap-northeast-2").unwrap();
        assert_eq!(
            (own.role.as_deref(), own.label().as_str()),
            (None, "ap-northeast-2")
        );
        assert_eq!(
            Target::parse_list("self@us-east-1, ,self@eu-west-1")
                .unwrap()
                .len(),
            2
        );
        for bad in [
            "self",
            "nobody@us-east-1",
            "arn:aws:iam::1:user/x@us-east-1",
            "self@US EAST",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }
}
