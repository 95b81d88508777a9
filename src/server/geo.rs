//! Where an address is, from a MaxMind GeoIP2/GeoLite2 City database when
//! one is configured (`VESTIBULE_GEOIP_DB`).

use std::net::IpAddr;

/// The country and city of an address, in English, when known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    pub country: Option<String>,
    pub city: Option<String>,
}

impl Place {
    /// "City, Country", or the country alone, when known.
    pub fn label(&self) -> Option<String> {
        label(self.city.as_deref(), self.country.as_deref())
    }
}

/// "City, Country", or the country alone, when known.
pub fn label(city: Option<&str>, country: Option<&str>) -> Option<String> {
    match (city, country) {
        (Some(c), Some(k)) => Some(format!("{c}, {k}")),
        (None, Some(k)) => Some(k.to_string()),
        _ => None,
    }
}

/// The GeoIP database, if one is configured.
#[derive(Clone, Default)]
pub struct Geo(Option<std::sync::Arc<maxminddb::Reader<Vec<u8>>>>);

impl Geo {
    /// Opens the database at `path`; `None` gives a lookup that knows nothing.
    pub fn open(path: Option<&std::path::Path>) -> Result<Self, String> {
        match path {
            None => Ok(Geo(None)),
            Some(p) => maxminddb::Reader::open_readfile(p)
                .map(|r| Geo(Some(std::sync::Arc::new(r))))
                .map_err(|e| e.to_string()),
        }
    }

    pub fn lookup(&self, ip: IpAddr) -> Place {
        let Some(reader) = &self.0 else {
            return Place::default();
        };
        match reader.lookup::<maxminddb::geoip2::City>(ip) {
            Ok(city) => {
                let en = |names: Option<std::collections::BTreeMap<&str, &str>>| {
                    names.and_then(|n| n.get("en").map(|s| s.to_string()))
                };
                Place {
                    country: en(city.country.and_then(|c| c.names)),
                    city: en(city.city.and_then(|c| c.names)),
                }
            }
            Err(_) => Place::default(),
        }
    }
}
