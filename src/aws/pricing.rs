//! On-demand prices from the AWS Price List Query API (`pricing:GetProducts`
//! through `aws-sdk-pricing`, one call per product; the pass keeps them a
//! day, see `crate::pass::prices`). Linux, shared tenancy EC2; Single-AZ
//! RDS for the engines whose price does not depend on a licence. A product
//! without a price says why.

use aws_sdk_pricing::types::{Filter, FilterType};
use futures::future::BoxFuture;
use serde_json::Value;

use super::aws_error;
use crate::model::InstanceKind;
use crate::ports::{CallError, PriceSource, Unpriced};
use crate::usage::Product;

/// The Price List Query API.
#[derive(Debug)]
pub struct PriceListApi(aws_sdk_pricing::Client);

impl PriceListApi {
    /// The API in us-east-1 (`AWS_ENDPOINT_URL_PRICING` overrides its
    /// endpoint); calls give up after 10 s.
    pub fn new(sdk: &aws_config::SdkConfig) -> PriceListApi {
        let config = aws_sdk_pricing::config::Builder::from(sdk)
            .region(aws_config::Region::from_static("us-east-1"))
            .timeout_config(super::bounded(10))
            .build();
        PriceListApi(aws_sdk_pricing::Client::from_conf(config))
    }
}

impl PriceSource for PriceListApi {
    fn price<'a>(&'a self, product: &'a Product) -> BoxFuture<'a, Result<f64, Unpriced>> {
        Box::pin(async move {
            let query = filters(product).map_err(Unpriced::NotLookedUp)?;
            get_products(&self.0, &query).await
        })
    }
}

/// A Price List service code and its TERM_MATCH filters (field, value).
type Query = (&'static str, Vec<(&'static str, String)>);

/// The query of `p`'s on-demand price.
fn filters(p: &Product) -> Result<Query, String> {
    let spec = p
        .spec
        .as_deref()
        .map(str::to_string)
        .ok_or("its type is not known")?;
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
        InstanceKind::Asg => Err(
            "an Auto Scaling group costs what its instances cost; they are not looked up".into(),
        ),
        InstanceKind::Ecs => {
            Err("an ECS service costs what its tasks run on; not looked up".into())
        }
        InstanceKind::Eks => {
            Err("an EKS node group costs what its instances cost; not looked up".into())
        }
    }
}

/// One `GetProducts` call: the first product's on-demand hourly USD price.
async fn get_products(
    client: &aws_sdk_pricing::Client,
    (service, filters): &Query,
) -> Result<f64, Unpriced> {
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
        .map_err(|e| Unpriced::Unavailable(unavailable(&aws_error("pricing:GetProducts", e))))?;
    let Some(first) = answer.price_list().first() else {
        return Err(Unpriced::NotListed("not in the Price List".into()));
    };
    // Each entry is a JSON document in a string.
    let product: Value = serde_json::from_str(first).unwrap_or_default();
    on_demand_usd(&product).ok_or_else(|| Unpriced::NotListed("no on-demand hourly price".into()))
}

/// `Price List unavailable (AccessDeniedException: not authorized...)`.
fn unavailable(e: &CallError) -> String {
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
