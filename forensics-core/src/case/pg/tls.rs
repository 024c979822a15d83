//! TLS for connections over TCP (a Unix socket never uses it): with
//! `sslmode=prefer` (the default) or `require` the connection is encrypted
//! when the server offers TLS, and the server's certificate is **always**
//! verified, chain and host name, against the system's certificate
//! authorities or the one file named by `PGSSLROOTCERT` (as libpq's
//! `verify-full`). A server whose certificate does not verify is refused
//! rather than trusted; `sslmode=disable` turns TLS off.

use std::path::Path;

use openssl::ssl::{SslConnector, SslMethod};
use postgres_openssl::MakeTlsConnector;

use crate::case::{Error, Result};

/// Environment variable naming the certificate-authority file (PEM) that
/// server certificates must chain to, as libpq reads it.
pub const ROOT_CERT_ENV: &str = "PGSSLROOTCERT";

/// The TLS connector: system authorities, or only those of `root_cert`.
pub(crate) fn connector(root_cert: Option<&Path>) -> Result<MakeTlsConnector> {
    let setup = |what: &str, error: openssl::error::ErrorStack| {
        Error::Invalid(format!("cannot set up TLS ({what}): {error}"))
    };
    let mut builder =
        SslConnector::builder(SslMethod::tls_client()).map_err(|e| setup("context", e))?;
    if let Some(path) = root_cert {
        if !path.is_file() {
            return Err(Error::NotFound(format!(
                "{ROOT_CERT_ENV} file {}",
                path.display()
            )));
        }
        builder
            .set_ca_file(path)
            .map_err(|e| setup(&format!("certificate authorities of {}", path.display()), e))?;
    }
    Ok(MakeTlsConnector::new(builder.build()))
}
