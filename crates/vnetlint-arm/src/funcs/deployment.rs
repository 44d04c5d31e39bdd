//! The functions of the deployment and its scope: `parameters`, `variables`, `copyIndex`,
//! `reference` (a deployment-time value naming the resource and attribute), the resource id
//! functions, and `resourceGroup()`, `subscription()`, `tenant()`, `deployment()` and
//! `environment()`.
//!
//! Scope values are placeholders that are the same everywhere in a run (one subscription, one
//! resource group), so resource ids built with them still match one another. What only the
//! deployment knows (`utcNow()`, `newGuid()`, ...) is unknown.

use vnetlint_ir::Reference;

use super::{Call, Res, int, obj, string};
use crate::value::{Kind, Value};

/// The subscription every placeholder id uses.
pub(crate) const SUBSCRIPTION_ID: &str = "00000000-0000-0000-0000-000000000000";
/// The resource group every placeholder id uses.
pub(crate) const RESOURCE_GROUP: &str = "resource-group";

pub(super) fn parameters(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 1, 1)?;
    call.context.parameter(&string(&args[0])?, call.span)
}

pub(super) fn variables(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 1, 1)?;
    call.context.variable(&string(&args[0])?, call.span)
}

/// `copyIndex()`, `copyIndex(offset)`, `copyIndex('loop')` or `copyIndex('loop', offset)`.
pub(super) fn copyindex(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 0, 2)?;
    let (loop_name, offset) = match args {
        [] => (None, 0),
        [one] => match &one.kind {
            Kind::Int(i) => (None, *i),
            _ => (Some(string(one)?), 0),
        },
        [name, offset, ..] => (Some(string(name)?), int(offset)?),
    };
    let index = call
        .context
        .copy_index(loop_name.as_deref())
        .ok_or_else(|| match &loop_name {
            Some(loop_name) => {
                format!("`copyIndex('{loop_name}')` is used outside the copy loop `{loop_name}`")
            }
            None => "`copyIndex()` is used outside a resource copy loop".to_owned(),
        })?;
    match index.kind {
        Kind::Int(i) => call.make(Kind::Int(
            i.checked_add(offset).ok_or("the copy index overflows")?,
        )),
        _ => Ok(index),
    }
}

/// `reference(id or symbolic name, [version], ['Full'])`: the deployed resource's properties
/// (or with `'Full'` the whole resource), only known at deployment.
pub(super) fn reference(call: &Call<'_>, args: &[Value]) -> Res {
    call.arity(args, 1, 3)?;
    let target = string(&args[0])?;
    let address = call
        .context
        .symbol(&target)
        .unwrap_or_else(|| address_of_id(&target));
    let full = args
        .get(2)
        .and_then(|a| a.as_str())
        .is_some_and(|f| f.eq_ignore_ascii_case("full"));
    call.make(Kind::Runtime(Reference {
        address,
        attribute: if full {
            "full".to_owned()
        } else {
            String::new()
        },
    }))
}

/// `utcNow()`, `newGuid()`, `deployer()`, `pickZones()`, `providers()`.
pub(super) fn deployment_time(call: &Call<'_>, _args: &[Value]) -> Res {
    Err(format!(
        "`{}()` is only known at deployment; the value is treated as unknown",
        call.name
    ))
}

/// `resourceId`, `subscriptionResourceId`, `tenantResourceId`, `extensionResourceId`.
pub(super) fn resource_id(call: &Call<'_>, args: &[Value]) -> Res {
    let strings = args.iter().map(string).collect::<Result<Vec<_>, _>>()?;
    call.make(Kind::Str(build_resource_id(call.function, &strings)?))
}

pub(super) fn resourcegroup(call: &Call<'_>, _args: &[Value]) -> Res {
    call.make(Kind::Object(obj(
        call.span,
        &[
            (
                "id",
                &format!("/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}"),
            ),
            ("name", RESOURCE_GROUP),
            ("type", "Microsoft.Resources/resourceGroups"),
            ("location", "location"),
        ],
    )))
}

pub(super) fn subscription(call: &Call<'_>, _args: &[Value]) -> Res {
    call.make(Kind::Object(obj(
        call.span,
        &[
            ("id", &format!("/subscriptions/{SUBSCRIPTION_ID}")),
            ("subscriptionId", SUBSCRIPTION_ID),
            ("tenantId", SUBSCRIPTION_ID),
            ("displayName", "subscription"),
        ],
    )))
}

pub(super) fn tenant(call: &Call<'_>, _args: &[Value]) -> Res {
    call.make(Kind::Object(obj(
        call.span,
        &[("tenantId", SUBSCRIPTION_ID)],
    )))
}

pub(super) fn deployment(call: &Call<'_>, _args: &[Value]) -> Res {
    let name = call.context.deployment_name();
    call.make(Kind::Object(obj(call.span, &[("name", name)])))
}

/// `environment()`: the public Azure cloud.
pub(super) fn environment(call: &Call<'_>, _args: &[Value]) -> Res {
    let span = call.span;
    let mut members = obj(
        span,
        &[
            ("name", "AzureCloud"),
            ("resourceManager", "https://management.azure.com/"),
        ],
    );
    members.push((
        "suffixes".to_owned(),
        Value::new(
            Kind::Object(obj(
                span,
                &[
                    ("storage", "core.windows.net"),
                    ("sqlServerHostname", ".database.windows.net"),
                    ("keyvaultDns", ".vault.azure.net"),
                    ("acrLoginServer", ".azurecr.io"),
                ],
            )),
            span,
        ),
    ));
    call.make(Kind::Object(members))
}

/// `resourceId` and its relatives, with the placeholder subscription and resource group.
#[allow(clippy::single_match_else)]
fn build_resource_id(function: &str, args: &[String]) -> Result<String, String> {
    let (prefix, rest) = match function {
        "extensionresourceid" => {
            let (scope, rest) = args
                .split_first()
                .ok_or("`extensionResourceId` needs a scope")?;
            (scope.trim_end_matches('/').to_owned(), rest)
        }
        _ => {
            let type_at = args
                .iter()
                .position(|a| a.contains('/'))
                .ok_or("the resource type (`Namespace/type`) is missing")?;
            let (scope, rest) = args.split_at(type_at);
            let prefix = match (function, scope) {
                ("tenantresourceid", _) => String::new(),
                ("subscriptionresourceid", []) => format!("/subscriptions/{SUBSCRIPTION_ID}"),
                ("subscriptionresourceid", [sub, ..]) => format!("/subscriptions/{sub}"),
                (_, []) => {
                    format!("/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}")
                }
                (_, [rg]) => format!("/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{rg}"),
                (_, [sub, rg, ..]) => format!("/subscriptions/{sub}/resourceGroups/{rg}"),
            };
            (prefix, rest)
        }
    };
    let (rtype, names) = rest.split_first().ok_or("the resource type is missing")?;
    Ok(format!(
        "{prefix}/providers/{}",
        interleave(rtype, &names.join("/"))
    ))
}

/// `Microsoft.Network/networkSecurityGroups/securityRules` and `nsg/rule` give
/// `Microsoft.Network/networkSecurityGroups/nsg/securityRules/rule`.
pub(crate) fn interleave(rtype: &str, name: &str) -> String {
    let mut types = rtype.split('/');
    let namespace = types.next().unwrap_or("");
    let mut out = namespace.to_owned();
    let mut names = name.split('/');
    for segment in types {
        out.push('/');
        out.push_str(segment);
        out.push('/');
        out.push_str(names.next().unwrap_or("?"));
    }
    for extra in names {
        out.push('/');
        out.push_str(extra);
    }
    out
}

/// The address (`Namespace/type/name/...`) a resource id names; other strings stay as they are.
pub(crate) fn address_of_id(id: &str) -> String {
    let lower = id.to_ascii_lowercase();
    match lower.rfind("/providers/") {
        Some(at) => id[at + "/providers/".len()..]
            .trim_end_matches('/')
            .to_owned(),
        None => id.trim_matches('/').to_owned(),
    }
}
