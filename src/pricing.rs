//! On-demand prices from the AWS Price List Query API (`pricing:GetProducts`
//! through `aws-sdk-pricing`, one call per product), kept a day in the state
//! table. Linux, shared tenancy EC2; Single-AZ RDS for the engines whose
//! price does not depend on a licence. A product without a price says why.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use aws_sdk_pricing::types::{Filter, FilterType};

use crate::aws::aws_error;
use crate::model::InstanceKind;
use crate::ports::KeptCopies;
use crate::usage::{CachedPrice, Prices, Product};

/// Where prices come from.
#[derive(Debug, Default)]
pub enum PriceList {
    /// Not looked up (say why).
    #[default]
    Off,
    /// The Price List Query API.
    Api(aws_sdk_pricing::Client),
    /// Fixed prices by product key (tests, demos).
    Fixed(BTreeMap<String, f64>),
}

/// How long a looked-up price is kept.
const KEEP: Duration = Duration::hours(24);

impl PriceList {
    /// The Price List Query API in us-east-1 (`AWS_ENDPOINT_URL_PRICING`
    /// overrides its endpoint).
    pub fn api(sdk: &aws_config::SdkConfig) -> PriceList {
        let config = aws_sdk_pricing::config::Builder::from(sdk)
            .region(aws_config::Region::from_static("us-east-1"))
            .timeout_config(crate::aws::bounded(10))
            .build();
        PriceList::Api(aws_sdk_pricing::Client::from_conf(config))
    }

    /// The prices of `products`: kept ones younger than a day, the others
    /// looked up and kept. A lookup that fails for the service (throttled,
    /// denied, unreachable) is not kept, so the next report tries again.
    pub async fn prices<S: KeptCopies>(
        &self,
        state: &S,
        kept: &BTreeMap<String, CachedPrice>,
        products: &BTreeSet<Product>,
        now: DateTime<Utc>,
    ) -> Prices {
        let mut out = Prices::new();
        for p in products {
            let key = p.key();
            let price = match kept.get(&key).filter(|c| now - c.fetched_at < KEEP) {
                Some(c) => c
                    .hourly_usd
                    .ok_or_else(|| c.missing.clone().unwrap_or_default()),
                None => self.look_up(state, p, key, now).await,
            };
            out.insert(p.clone(), price);
        }
        out
    }

    async fn look_up<S: KeptCopies>(
        &self,
        state: &S,
        p: &Product,
        key: String,
        now: DateTime<Utc>,
    ) -> Result<f64, String> {
        let client = match self {
            PriceList::Off => return Err("prices are not looked up here".into()),
            PriceList::Fixed(prices) => {
                return prices
                    .get(&key)
                    .copied()
                    .ok_or_else(|| format!("no price for {key}"))
            }
            PriceList::Api(client) => client,
        };
        let filters = filters(p)?;
        let answer = get_products(client, &filters).await;
        let (hourly_usd, missing) = match &answer {
            Ok(price) => (Some(*price), None),
            Err(Lookup::NotFound(why)) => (None, Some(why.clone())),
            Err(Lookup::Failed(why)) => return Err(why.clone()),
        };
        let cached = CachedPrice {
            key,
            hourly_usd,
            missing,
            fetched_at: now,
        };
        if let Err(e) = state.save_price(&cached).await {
            tracing::warn!(error = %e, "price not kept");
        }
        answer.map_err(|l| l.to_string())
    }
}

/// Why a lookup gave no price.
enum Lookup {
    /// The Price List has no such product (kept).
    NotFound(String),
    /// The API failed (not kept).
    Failed(String),
}

impl std::fmt::Display for Lookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lookup::NotFound(why) | Lookup::Failed(why) => f.write_str(why),
        }
    }
}

/// A Price List service code and its TERM_MATCH filters (field, value).
type Query = (&'static str, Vec<(&'static str, String)>);

/// The query of `p`'s on-demand price.
fn filters(p: &Product) -> Result<Query, String> {
    let spec = p.spec.clone().ok_or("its type is not known")?;
    let region = ("regionCode", p.region.clone());
    match p.kind {
        InstanceKind::Ec2 => Ok((
            "AmazonEC2",
            vec![
                ("instanceType", spec),
                region,
                ("operatingSystem", "Linux".into()),
                ("tenancy", "Shared".into()),
                ("preInstalledSw", "NA".into()),
                ("capacitystatus", "Used".into()),
            ],
        )),
        InstanceKind::Rds => {
            let (engine, class) = spec.split_once(' ').ok_or("its class is not known")?;
            let engine = match engine {
                "postgres" => "PostgreSQL",
                "mysql" => "MySQL",
                "mariadb" => "MariaDB",
                other => {
                    return Err(format!(
                        "{other}'s price depends on its licence; not looked up"
                    ))
                }
            };
            Ok((
                "AmazonRDS",
                vec![
                    ("instanceType", class.to_string()),
                    region,
                    ("databaseEngine", engine.into()),
                    ("deploymentOption", "Single-AZ".into()),
                ],
            ))
        }
        InstanceKind::Aurora => {
            Err("an Aurora cluster costs what its instances cost; they are not looked up".into())
        }
    }
}

/// One `GetProducts` call: the first product's on-demand hourly USD price.
async fn get_products(
    client: &aws_sdk_pricing::Client,
    (service, filters): &Query,
) -> Result<f64, Lookup> {
    let filters = filters
        .iter()
        .map(|(field, value)| {
            Filter::builder()
                .r#type(FilterType::TermMatch)
                .field(*field)
                .value(value)
                .build()
                .expect("type, field and value are set")
        })
        .collect();
    let answer = client
        .get_products()
        .service_code(*service)
        .set_filters(Some(filters))
        .format_version("aws_v1")
        .max_results(1)
        .send()
        .await
        .map_err(|e| Lookup::Failed(unavailable(&aws_error("pricing:GetProducts", e))))?;
    let Some(first) = answer.price_list().first() else {
        return Err(Lookup::NotFound("not in the Price List".into()));
    };
    // Each entry is a JSON document in a string.
    let product: Value = serde_json::from_str(first).unwrap_or_default();
    on_demand_usd(&product).ok_or_else(|| Lookup::NotFound("no on-demand hourly price".into()))
}

/// `Price List unavailable (AccessDeniedException: not authorized...)`.
fn unavailable(e: &crate::ports::CallError) -> String {
    match e.message.trim() {
        "" => format!("Price List unavailable ({})", e.code),
        message => format!("Price List unavailable ({}: {message})", e.code),
    }
}

/// `terms.OnDemand.<offer>.priceDimensions.<dimension>.pricePerUnit.USD`.
fn on_demand_usd(product: &Value) -> Option<f64> {
    let offers = product["terms"]["OnDemand"].as_object()?;
    offers
        .values()
        .filter_map(|o| o["priceDimensions"].as_object())
        .flat_map(|d| d.values())
        .filter(|d| d["unit"].as_str().is_none_or(|u| u.starts_with("Hr")))
        .find_map(|d| d["pricePerUnit"]["USD"].as_str()?.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_on_demand_price_is_read_from_a_price_list_document() {
        let doc = json!({
            "product": {"attributes": {"instanceType": "t3.micro"}},
            "terms": {"OnDemand": {"ABC.JRTCKXETXF": {"priceDimensions": {
                "ABC.JRTCKXETXF.6YS6EN2CT7": {"unit": "Hrs", "pricePerUnit": {"USD": "0.0130000000"}}
            }}}}
        });
        assert_eq!(on_demand_usd(&doc), Some(0.013));
        assert_eq!(on_demand_usd(&json!({"terms": {}})), None);
    }

    #[test]
    fn products_name_their_filters_or_say_why_not() {
        let p = |kind, spec: &str| Product {
            kind,
            spec: Some(spec.into()),
            region: "ap-northeast-2".into(),
        };
        let (service, f) = filters(&p(InstanceKind::Rds, "postgres db.t3.micro")).unwrap();
        assert_eq!(service, "AmazonRDS");
        assert!(f.contains(&("databaseEngine", "PostgreSQL".into())));
        assert!(f.contains(&("instanceType", "db.t3.micro".into())));
        assert!(filters(&p(InstanceKind::Rds, "oracle-ee db.m5.large"))
            .unwrap_err()
            .contains("licence"));
        assert!(filters(&p(InstanceKind::Aurora, "aurora-postgresql")).is_err());
    }
}
