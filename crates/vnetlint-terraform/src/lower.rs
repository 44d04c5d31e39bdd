//! Lowering of azurerm resource blocks into the IR, in three passes over every resource
//! instance of every module instance: allocate one element per instance (so that any block can
//! link to any other, whatever the file or module), fill every element's attributes and links,
//! then apply the association resources (which modify elements the second pass has completed).
//!
//! Values come from `eval::Eval`; this module only decides which attribute of which resource
//! becomes which IR field, and shapes values into IR attribute types.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use vnetlint_ir::{
    AppSetting, Ase, AseVersion, Asg, Attr, AttrList, ConnectionString, Dialect, ElementId,
    ExpressRouteCircuit, GatewayConnection, IpConfiguration, LocalGateway, Meta, Network, Nic, Nsg,
    Origin, Peering, PrivateEndpoint, PublicIp, Reference, Route, RouteTable, RuleStyle,
    SecurityRule, ServicePlan, Span, SqlFirewallRule, SqlServer, SqlVirtualMachine, StorageAccount,
    Subnet, Template, TemplatePart, Unknown, Val, Vm, Vnet, VnetGateway, WebApp,
};

use crate::eval::{
    Env, Ev, EvKind, Eval, ResDecl, ResInst, iterate, template_unknown, unresolved_reason,
};
use crate::syntax::{BlockRef, BodyRef};
use vnetlint_diagnostics::Limit;

/// Extracts a typed id from an `ElementId` of the named kind.
macro_rules! pick {
    ($kind:ident) => {
        |element: ElementId| match element {
            ElementId::$kind(id) => Some(id),
            _ => None,
        }
    };
}

/// One instance of a `resource` block.
struct Resource<'a> {
    env: Env,
    decl: &'a ResDecl<'a>,
    address: String,
    element: Option<ElementId>,
}

/// Lowers every module instance the evaluator reaches from the root.
pub(crate) fn lower(eval: &Eval<'_>) -> Network {
    // Expand module calls breadth-first; instances are appended as calls are expanded.
    let mut next = 0;
    while next < eval.insts.borrow().len() {
        let def = eval.def_of(next);
        for (name, call) in &def.calls {
            let span = eval.ctx(call.file).span(call.block.span.clone());
            eval.call_instances(next, name, span);
        }
        next += 1;
    }
    let mut resources = Vec::new();
    let mut declared = BTreeSet::new();
    let instance_count = eval.insts.borrow().len();
    for inst in 0..instance_count {
        let def = eval.def_of(inst);
        for (res, decl) in def.resources.iter().enumerate() {
            if decl.key.starts_with("data.") {
                continue;
            }
            let span = eval.ctx(decl.file).span(decl.block.span.clone());
            let expansion = eval.resource_expansion(inst, res, span);
            for (key, bindings) in expansion.instances() {
                let ri = ResInst { inst, res, key };
                let address = eval.address(&ri);
                declared.insert(address.clone());
                resources.push(Resource {
                    env: Env::new(inst, decl.file).with_all(bindings),
                    decl,
                    address,
                    element: None,
                });
            }
        }
    }
    lower_resources(eval, None, &mut resources, declared)
}

/// Lowers resources read from a plan's `planned_values`: the same lowering, with each
/// resource's `values` object as its body and `overlay` for what the plan leaves out.
pub(crate) fn lower_plan<'a>(
    eval: &Eval<'a>,
    overlay: &PlanOverlay,
    decls: &'a [(ResDecl<'a>, String)],
) -> Network {
    let mut resources: Vec<Resource<'a>> = decls
        .iter()
        .map(|(decl, address)| Resource {
            env: Env::new(0, decl.file),
            decl,
            address: address.clone(),
            element: None,
        })
        .collect();
    let declared = decls.iter().map(|(_, address)| address.clone()).collect();
    lower_resources(eval, Some(overlay), &mut resources, declared)
}

/// What a plan says beyond the literal `values` of its resources.
#[derive(Default)]
pub(crate) struct PlanOverlay {
    /// Attributes unknown until apply (absent from `values`), by the start offset of the
    /// values object they belong to: a reference to the resource the configuration names, or
    /// an unknown.
    pub(crate) missing: BTreeMap<u32, BTreeMap<String, Ev>>,
    /// The known `id` of each planned resource (lowercase; Azure ids are case-insensitive), to
    /// link an id written in another resource's values to it.
    pub(crate) ids: BTreeMap<String, String>,
}

impl PlanOverlay {
    /// A string that is the id of a planned resource becomes a reference to that resource,
    /// as the configuration's `azurerm_x.y.id` would evaluate.
    fn link_ids(&self, mut ev: Ev) -> Ev {
        match &mut ev.kind {
            EvKind::Scalar(text) => {
                if let Some(address) = self.ids.get(&text.to_ascii_lowercase()) {
                    ev.kind = EvKind::Ref(Unknown::reference(
                        Reference {
                            address: address.clone(),
                            attribute: "id".to_owned(),
                        },
                        format!("the id of `{address}`"),
                    ));
                }
                ev
            }
            EvKind::List(items) => {
                let taken = std::mem::take(items);
                *items = taken.into_iter().map(|item| self.link_ids(item)).collect();
                ev
            }
            _ => ev,
        }
    }
}

fn lower_resources<'a>(
    eval: &Eval<'a>,
    plan: Option<&PlanOverlay>,
    resources: &mut [Resource<'a>],
    declared: BTreeSet<String>,
) -> Network {
    let mut lowerer = Lowerer {
        eval,
        plan,
        network: Network::default(),
        symbols: BTreeMap::new(),
        declared,
        names: BTreeMap::new(),
    };
    for resource in resources.iter_mut() {
        resource.element = lowerer.allocate(resource);
        if let Some(id) = resource.element {
            lowerer
                .symbols
                .entry(resource.address.clone())
                .or_insert(id);
        }
    }
    lowerer.index_names();
    for resource in resources.iter() {
        lowerer.fill(resource);
    }
    for resource in resources.iter() {
        lowerer.associate(resource);
    }
    // Rule ids are allocated in declaration order, so sorting keeps the order in which inline
    // and standalone rules were written.
    for nsg in &mut lowerer.network.nsgs {
        nsg.rules.sort();
        nsg.rules.dedup();
    }
    lowerer.network
}

struct Lowerer<'e, 'a> {
    eval: &'e Eval<'a>,
    /// Set when the values come from a plan rather than from the configuration.
    plan: Option<&'e PlanOverlay>,
    network: Network,
    /// Elements by logical address.
    symbols: BTreeMap<String, ElementId>,
    /// Every resource instance address, modelled or not.
    declared: BTreeSet<String>,
    /// Known Azure names of the elements that other resources link to by name.
    names: BTreeMap<String, Vec<(ElementId, Span)>>,
}

impl<'a> Lowerer<'_, 'a> {
    fn span(&self, env: &Env, range: Option<Range<usize>>) -> Span {
        self.eval.ctx(env.file).span(range)
    }

    /// The value of one attribute: the only place the lowering reads values, from the
    /// configuration's evaluator or from a plan's values (with its overlay).
    fn ev(&self, env: &Env, body: BodyRef<'a>, key: &str) -> Option<Ev> {
        let Some(plan) = self.plan else {
            return body.attr(key).map(|expr| self.eval.eval(env, expr));
        };
        if let Some(expr) = body.attr(key) {
            return Some(plan.link_ids(self.eval.eval(env, expr)));
        }
        let BodyRef::Json(object) = body else {
            return None;
        };
        let start = self.span(env, hcl_edit::Span::span(object)).range.start;
        plan.missing.get(&start)?.get(key).cloned()
    }

    fn string(&self, env: &Env, body: BodyRef<'a>, key: &str) -> Option<Attr<String>> {
        self.ev(env, body, key).and_then(|ev| self.shape_string(ev))
    }

    fn bool(&self, env: &Env, body: BodyRef<'a>, key: &str) -> Option<Attr<bool>> {
        self.ev(env, body, key).and_then(|ev| self.shape_bool(ev))
    }

    fn strings(&self, env: &Env, body: BodyRef<'a>, key: &str) -> Option<AttrList<String>> {
        self.ev(env, body, key)
            .and_then(|ev| self.shape_list(ev, Self::shape_string))
    }

    /// A list attribute that older provider versions wrote as a single string (`address_prefix`).
    fn strings_or_single(
        &self,
        env: &Env,
        body: BodyRef<'a>,
        plural: &str,
        singular: &str,
    ) -> Option<AttrList<String>> {
        self.strings(env, body, plural).or_else(|| {
            self.string(env, body, singular).map(|single| Attr {
                span: single.span,
                origin: single.origin.clone(),
                value: Val::Known(vec![single]),
            })
        })
    }

    fn link<I>(
        &self,
        env: &Env,
        body: BodyRef<'a>,
        key: &str,
        expected: &str,
        pick: impl Fn(ElementId) -> Option<I>,
    ) -> Option<Attr<I>> {
        self.ev(env, body, key)
            .and_then(|ev| self.shape_link(ev, expected, &pick))
    }

    fn name_link<I>(
        &self,
        env: &Env,
        body: BodyRef<'a>,
        key: &str,
        expected: &str,
        pick: impl Fn(ElementId) -> Option<I>,
    ) -> Option<Attr<I>> {
        self.ev(env, body, key)
            .and_then(|ev| self.shape_name_link(ev, expected, &pick))
    }

    fn link_list<I>(
        &self,
        env: &Env,
        body: BodyRef<'a>,
        key: &str,
        expected: &str,
        pick: impl Fn(ElementId) -> Option<I> + Copy,
    ) -> Option<AttrList<I>> {
        self.ev(env, body, key).and_then(|ev| {
            self.shape_list(ev, |this: &Self, item| {
                this.shape_link(item, expected, &pick)
            })
        })
    }

    /// The nested blocks of one type, static and `dynamic`, in written order, each with the
    /// environment its expressions see (a dynamic block's iterator).
    fn blocks(&self, env: &Env, body: BodyRef<'a>, name: &'a str) -> Vec<(Env, BlockRef<'a>)> {
        let mut out: Vec<(Env, BlockRef<'a>)> = body
            .blocks(name)
            .into_iter()
            .map(|b| (env.clone(), b))
            .collect();
        for dynamic in body.dynamic_blocks(name) {
            let iterator = match dynamic.body.attr("iterator") {
                Some(hcl_edit::expr::Expression::Variable(ident)) => ident.as_str().to_owned(),
                _ => name.to_owned(),
            };
            let Some(content) = dynamic.body.blocks("content").into_iter().next() else {
                continue;
            };
            let collection = self
                .ev(env, dynamic.body, "for_each")
                .unwrap_or_else(|| Ev::new(EvKind::Null, self.span(env, dynamic.span.clone())));
            let iterated = iterate(&collection).and_then(|items| {
                let limit = self.eval.budget.limits.max_instances;
                if items.len() > limit {
                    let what = format!(
                        "the `for_each` of the dynamic `{name}` block has {} elements",
                        items.len()
                    );
                    let reason =
                        self.eval
                            .budget
                            .exceeded(Limit::Instances, collection.span, &what);
                    return Err(Ev::unknown(reason, collection.span));
                }
                Ok(items)
            });
            match iterated {
                Ok(items) => {
                    for (key, value) in items {
                        let object = Ev::new(
                            EvKind::Object(vec![
                                crate::eval::ObjectEntry {
                                    key: "key".to_owned(),
                                    span: key.span,
                                    value: key,
                                },
                                crate::eval::ObjectEntry {
                                    key: "value".to_owned(),
                                    span: value.span,
                                    value,
                                },
                            ]),
                            collection.span,
                        );
                        out.push((env.with(iterator.clone(), object), content.clone()));
                    }
                }
                Err(unresolved) => {
                    // One block stands for all of them, every value depending on the iterator
                    // unknown: a check then says which value it could not judge.
                    let reason = format!(
                        "the `for_each` of the dynamic `{name}` block is unresolved: {}",
                        unresolved_reason(&unresolved)
                    );
                    let value = Ev::unknown(reason, collection.span);
                    out.push((env.with(iterator.clone(), value), content.clone()));
                }
            }
        }
        out.sort_by_key(|(_, b)| b.span.as_ref().map_or(0, |r| r.start));
        out
    }

    fn meta(&self, env: &Env, address: String, block: &BlockRef<'a>) -> Meta {
        Meta {
            address,
            span: self.span(env, block.span.clone()),
            name: self.string(env, block.body, "name"),
        }
    }

    /// Shapes a value as a string attribute; `None` when the attribute is `null`.
    // A method, so that every shaper has the signature `shape_list` takes.
    #[allow(clippy::unused_self)]
    fn shape_string(&self, ev: Ev) -> Option<Attr<String>> {
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::Scalar(text) | EvKind::Number(text) => Val::Known(text),
            EvKind::Bool(b) => Val::Known(b.to_string()),
            EvKind::Template(template) => Val::Unknown(template_unknown(&template)),
            EvKind::Ref(unknown) | EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::Error(reason) => Val::Unknown(Unknown::new(reason)),
            EvKind::List(_) | EvKind::Object(_) | EvKind::Resource(_) | EvKind::Module(_) => {
                Val::Unknown(Unknown::new(
                    "a collection is written where a single value is expected",
                ))
            }
        };
        Some(Attr {
            value,
            span: ev.span,
            origin: ev.origin,
        })
    }

    /// Shapes a value as a bool attribute; strings `"true"`/`"false"` convert as in Terraform.
    #[allow(clippy::unused_self)]
    fn shape_bool(&self, ev: Ev) -> Option<Attr<bool>> {
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::Bool(b) => Val::Known(b),
            EvKind::Scalar(text) if text == "true" => Val::Known(true),
            EvKind::Scalar(text) if text == "false" => Val::Known(false),
            EvKind::Scalar(text) | EvKind::Number(text) => {
                Val::Unknown(Unknown::new(format!("`{text}` is not a bool")))
            }
            EvKind::Template(template) => Val::Unknown(template_unknown(&template)),
            EvKind::Ref(unknown) | EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::Error(reason) => Val::Unknown(Unknown::new(reason)),
            EvKind::List(_) | EvKind::Object(_) | EvKind::Resource(_) | EvKind::Module(_) => {
                Val::Unknown(Unknown::new(
                    "a collection is written where a bool is expected",
                ))
            }
        };
        Some(Attr {
            value,
            span: ev.span,
            origin: ev.origin,
        })
    }

    /// Shapes a value as a list, converting each element with `item`; null elements are dropped.
    fn shape_list<I>(
        &self,
        ev: Ev,
        item: impl Fn(&Self, Ev) -> Option<Attr<I>>,
    ) -> Option<AttrList<I>> {
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::List(items) => {
                Val::Known(items.into_iter().filter_map(|i| item(self, i)).collect())
            }
            EvKind::Ref(unknown) | EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::Error(reason) => Val::Unknown(Unknown::new(reason)),
            EvKind::Template(template) => Val::Unknown(template_unknown(&template)),
            EvKind::Scalar(_)
            | EvKind::Number(_)
            | EvKind::Bool(_)
            | EvKind::Object(_)
            | EvKind::Resource(_)
            | EvKind::Module(_) => Val::Unknown(Unknown::new("a list is expected here")),
        };
        Some(Attr {
            value,
            span: ev.span,
            origin: ev.origin,
        })
    }

    /// Shapes a value as a template (connection strings, app settings), keeping references.
    #[allow(clippy::unused_self)]
    fn shape_template(&self, ev: Ev) -> Option<Attr<Template>> {
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::Scalar(text) | EvKind::Number(text) => Val::Known(Template::literal(text)),
            EvKind::Bool(b) => Val::Known(Template::literal(b.to_string())),
            EvKind::Template(template) => Val::Known(template),
            // A bare reference is a one-part template, so checks see what it stands for.
            EvKind::Ref(Unknown {
                reference: Some(reference),
                ..
            }) => Val::Known(Template {
                parts: vec![TemplatePart::Reference(reference)],
            }),
            EvKind::Ref(unknown) | EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::Error(reason) => Val::Unknown(Unknown::new(reason)),
            EvKind::List(_) | EvKind::Object(_) | EvKind::Resource(_) | EvKind::Module(_) => {
                Val::Unknown(Unknown::new(
                    "a collection is written where a string is expected",
                ))
            }
        };
        Some(Attr {
            value,
            span: ev.span,
            origin: ev.origin,
        })
    }

    /// Shapes a value as a link to another element by its `id`.
    fn shape_link<I>(
        &self,
        ev: Ev,
        expected: &str,
        pick: &impl Fn(ElementId) -> Option<I>,
    ) -> Option<Attr<I>> {
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::Ref(unknown) => self.resolve(unknown, "id", expected, pick),
            EvKind::Scalar(text) => Val::Unknown(Unknown::reference(
                Reference {
                    address: text.clone(),
                    attribute: "id".to_owned(),
                },
                format!("`{text}` is the id of a {expected} outside the scanned files"),
            )),
            EvKind::Template(template) => Val::Unknown(template_unknown(&template)),
            EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::Error(reason) => Val::Unknown(Unknown::new(reason)),
            EvKind::Number(_)
            | EvKind::Bool(_)
            | EvKind::List(_)
            | EvKind::Object(_)
            | EvKind::Resource(_)
            | EvKind::Module(_) => Val::Unknown(Unknown::new(format!(
                "the id of a {expected} is expected here"
            ))),
        };
        Some(Attr {
            value,
            span: ev.span,
            origin: ev.origin,
        })
    }

    /// Shapes a value as a link by Azure name: the resource a `.name` was read from, or a
    /// literal matched against the known names (which must match exactly one element).
    fn shape_name_link<I>(
        &self,
        ev: Ev,
        expected: &str,
        pick: &impl Fn(ElementId) -> Option<I>,
    ) -> Option<Attr<I>> {
        let mut origin = ev.origin;
        if let Some(via) = ev.via.filter(|via| via.attribute == "name")
            && let Some(&id) = self.lookup(&via.address)
        {
            let value = match pick(id) {
                Some(id) => Val::Known(id),
                None => Val::Unknown(Unknown::reference(
                    via.clone(),
                    format!(
                        "`{}` is a {}, not a {expected}",
                        via.address,
                        id.kind_name()
                    ),
                )),
            };
            return Some(Attr {
                value,
                span: ev.span,
                origin,
            });
        }
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::Ref(unknown) => self.resolve(unknown, "name", expected, pick),
            EvKind::Scalar(text) => {
                let candidates: Vec<&(ElementId, Span)> = self
                    .names
                    .get(&text)
                    .map(|v| v.iter().filter(|(id, _)| pick(*id).is_some()).collect())
                    .unwrap_or_default();
                match candidates.as_slice() {
                    [(id, name_span)] => {
                        // Point from the use site to the name that matched.
                        let mut chain = match origin {
                            Origin::Derived(chain) => chain,
                            _ => vec![ev.span],
                        };
                        chain.push(*name_span);
                        origin = Origin::Derived(chain);
                        pick(*id).map_or_else(
                            || Val::Unknown(Unknown::new("internal: candidate vanished")),
                            Val::Known,
                        )
                    }
                    [] => Val::Unknown(Unknown::new(format!(
                        "no {expected} named `{text}` is declared in the scanned modules"
                    ))),
                    _ => Val::Unknown(Unknown::new(format!(
                        "several {expected}s are named `{text}`; reference one by `.name` instead"
                    ))),
                }
            }
            EvKind::Template(template) => Val::Unknown(template_unknown(&template)),
            EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::Error(reason) => Val::Unknown(Unknown::new(reason)),
            EvKind::Number(_)
            | EvKind::Bool(_)
            | EvKind::List(_)
            | EvKind::Object(_)
            | EvKind::Resource(_)
            | EvKind::Module(_) => Val::Unknown(Unknown::new(format!(
                "the name of a {expected} is expected here"
            ))),
        };
        Some(Attr {
            value,
            span: ev.span,
            origin,
        })
    }

    /// The element at an address; an instance of a resource whose instances are unknown falls
    /// back to the one element standing for all of them.
    fn lookup(&self, address: &str) -> Option<&ElementId> {
        self.symbols.get(address).or_else(|| {
            let base = address.strip_suffix(']')?.rsplit_once('[')?.0;
            self.symbols.get(&format!("{base}[*]"))
        })
    }

    fn resolve<I>(
        &self,
        unknown: Unknown,
        attribute: &str,
        expected: &str,
        pick: &impl Fn(ElementId) -> Option<I>,
    ) -> Val<I> {
        let Some(reference) = unknown.reference.clone() else {
            return Val::Unknown(unknown);
        };
        let Some(&id) = self.lookup(&reference.address) else {
            if self.declared.contains(&reference.address) {
                return Val::Unknown(Unknown::reference(
                    reference.clone(),
                    format!(
                        "`{}` is not a {expected}, or not a resource type vnetlint models yet",
                        reference.address
                    ),
                ));
            }
            return Val::Unknown(unknown);
        };
        if reference.attribute != attribute {
            return Val::Unknown(Unknown::reference(
                reference.clone(),
                format!("`{reference}` is not the `{attribute}` of a {expected}"),
            ));
        }
        match pick(id) {
            Some(id) => Val::Known(id),
            None => Val::Unknown(Unknown::reference(
                reference.clone(),
                format!(
                    "`{}` is a {}, not a {expected}",
                    reference.address,
                    id.kind_name()
                ),
            )),
        }
    }

    /// Creates the element of a modelled resource with its metadata only. Standalone rules are
    /// not link targets and are created by `fill`, so that rule ids follow declaration order
    /// with the inline rules.
    fn allocate(&mut self, resource: &Resource<'a>) -> Option<ElementId> {
        let meta = self.meta(
            &resource.env,
            resource.address.clone(),
            &resource.decl.block,
        );
        let network = &mut self.network;
        let id: ElementId = match resource.decl.rtype {
            "azurerm_virtual_network" => network
                .add_vnet(Vnet {
                    meta,
                    address_space: None,
                    dns_servers: None,
                })
                .into(),
            "azurerm_subnet" => network.add_subnet(empty_subnet(meta)).into(),
            "azurerm_network_security_group" => network
                .add_nsg(Nsg {
                    meta,
                    rules: Vec::new(),
                })
                .into(),
            "azurerm_application_security_group" => network.add_asg(Asg { meta }).into(),
            "azurerm_network_interface" => network
                .add_nic(Nic {
                    meta,
                    ip_configurations: Vec::new(),
                    nsg: None,
                    dns_servers: None,
                })
                .into(),
            "azurerm_public_ip" => network
                .add_public_ip(PublicIp {
                    meta,
                    sku: None,
                    allocation: None,
                    ip_address: None,
                })
                .into(),
            "azurerm_linux_virtual_machine"
            | "azurerm_windows_virtual_machine"
            | "azurerm_virtual_machine" => network
                .add_vm(Vm {
                    meta,
                    nics: Vec::new(),
                })
                .into(),
            "azurerm_route_table" => network
                .add_route_table(RouteTable {
                    meta,
                    routes: Vec::new(),
                })
                .into(),
            "azurerm_virtual_network_peering" => network
                .add_peering(Peering {
                    meta,
                    vnet: None,
                    remote_vnet: None,
                    allow_virtual_network_access: None,
                    allow_forwarded_traffic: None,
                    allow_gateway_transit: None,
                    use_remote_gateways: None,
                })
                .into(),
            "azurerm_virtual_network_gateway" => network
                .add_vnet_gateway(VnetGateway {
                    meta,
                    gateway_type: None,
                    subnet: None,
                })
                .into(),
            "azurerm_local_network_gateway" => network
                .add_local_gateway(LocalGateway {
                    meta,
                    address_space: None,
                    gateway_address: None,
                })
                .into(),
            "azurerm_virtual_network_gateway_connection" => network
                .add_gateway_connection(GatewayConnection {
                    meta,
                    connection_type: None,
                    gateway: None,
                    local_gateway: None,
                    peer_gateway: None,
                })
                .into(),
            "azurerm_app_service_environment" | "azurerm_app_service_environment_v3" => network
                .add_ase(Ase {
                    meta,
                    version: None,
                    subnet: None,
                    internal_load_balancing_mode: None,
                })
                .into(),
            "azurerm_service_plan" | "azurerm_app_service_plan" => network
                .add_service_plan(ServicePlan {
                    meta,
                    ase: None,
                    sku: None,
                })
                .into(),
            "azurerm_linux_web_app"
            | "azurerm_windows_web_app"
            | "azurerm_app_service"
            | "azurerm_linux_function_app"
            | "azurerm_windows_function_app" => network
                .add_web_app(WebApp {
                    meta,
                    plan: None,
                    vnet_integration_subnet: None,
                    connection_strings: Vec::new(),
                    app_settings: Vec::new(),
                })
                .into(),
            "azurerm_mssql_server" | "azurerm_sql_server" => network
                .add_sql_server(SqlServer {
                    meta,
                    public_network_access: None,
                })
                .into(),
            "azurerm_mssql_firewall_rule" | "azurerm_sql_firewall_rule" => network
                .add_sql_firewall_rule(SqlFirewallRule {
                    meta,
                    server: None,
                    start_ip: None,
                    end_ip: None,
                })
                .into(),
            "azurerm_mssql_virtual_machine" => network
                .add_sql_virtual_machine(SqlVirtualMachine {
                    meta,
                    vm: None,
                    port: None,
                    connectivity_type: None,
                })
                .into(),
            "azurerm_private_endpoint" => network
                .add_private_endpoint(PrivateEndpoint {
                    meta,
                    subnet: None,
                    target: None,
                    group_ids: None,
                    private_ip: None,
                })
                .into(),
            "azurerm_storage_account" => network
                .add_storage_account(StorageAccount {
                    meta,
                    public_network_access: None,
                    default_action: None,
                    bypass: None,
                    ip_rules: None,
                    subnets: None,
                })
                .into(),
            "azurerm_express_route_circuit" => network
                .add_express_route_circuit(ExpressRouteCircuit {
                    meta,
                    service_provider: None,
                    peering_location: None,
                })
                .into(),
            _ => return None,
        };
        Some(id)
    }

    /// Indexes the known names of the elements other resources reference by name.
    fn index_names(&mut self) {
        let mut names: BTreeMap<String, Vec<(ElementId, Span)>> = BTreeMap::new();
        for id in self.network.elements() {
            if !matches!(
                id,
                ElementId::Vnet(_) | ElementId::Nsg(_) | ElementId::SqlServer(_)
            ) {
                continue;
            }
            if let Some(name) = &self.network.meta(id).name
                && let Some(text) = name.get()
            {
                names.entry(text.clone()).or_default().push((id, name.span));
            }
        }
        self.names = names;
    }

    /// Fills the attributes and links of an allocated element, and creates its inline children.
    fn fill(&mut self, resource: &Resource<'a>) {
        let env = &resource.env;
        let block = &resource.decl.block;
        let body = block.body;
        if resource.decl.rtype == "azurerm_network_security_rule" {
            let meta = self.meta(env, resource.address.clone(), block);
            let mut rule = SecurityRule::new(meta, Dialect::Terraform, RuleStyle::Standalone);
            self.fill_rule(env, body, &mut rule);
            rule.nsg = self.name_link(
                env,
                body,
                "network_security_group_name",
                "network security group",
                pick!(Nsg),
            );
            let nsg = rule.nsg.as_ref().and_then(Attr::get).copied();
            let id = self.network.add_rule(rule);
            if let Some(nsg) = nsg {
                self.network[nsg].rules.push(id);
            }
            return;
        }
        let Some(element) = resource.element else {
            return;
        };
        let block_span = self.span(env, block.span.clone());
        match element {
            ElementId::Vnet(id) => {
                let address_space = self.strings(env, body, "address_space");
                let dns_servers = self.strings(env, body, "dns_servers");
                let mut subnets = Vec::new();
                for (index, (inner, subnet_block)) in
                    self.blocks(env, body, "subnet").into_iter().enumerate()
                {
                    let mut subnet = empty_subnet(self.meta(&inner, String::new(), &subnet_block));
                    subnet.meta.address = format!(
                        "{}.subnet{}",
                        resource.address,
                        block_key(subnet.meta.name.as_ref(), index)
                    );
                    subnet.vnet = Some(Attr::known(id, block_span));
                    self.fill_subnet_common(&inner, subnet_block.body, &mut subnet);
                    subnet.nsg = self.link(
                        &inner,
                        subnet_block.body,
                        "security_group",
                        "network security group",
                        pick!(Nsg),
                    );
                    subnet.route_table = self.link(
                        &inner,
                        subnet_block.body,
                        "route_table_id",
                        "route table",
                        pick!(RouteTable),
                    );
                    subnets.push(subnet);
                }
                let vnet = &mut self.network[id];
                vnet.address_space = address_space;
                vnet.dns_servers = dns_servers;
                for subnet in subnets {
                    self.network.add_subnet(subnet);
                }
            }
            ElementId::Subnet(id) => {
                let mut subnet = empty_subnet(self.network[id].meta.clone());
                subnet.vnet = self.name_link(
                    env,
                    body,
                    "virtual_network_name",
                    "virtual network",
                    pick!(Vnet),
                );
                self.fill_subnet_common(env, body, &mut subnet);
                // Legacy (provider 1.x) association written on the subnet itself.
                subnet.nsg = self.link(
                    env,
                    body,
                    "network_security_group_id",
                    "network security group",
                    pick!(Nsg),
                );
                self.network[id] = subnet;
            }
            ElementId::Nsg(id) => {
                for (index, (inner, rule_block)) in self
                    .blocks(env, body, "security_rule")
                    .into_iter()
                    .enumerate()
                {
                    let mut meta = self.meta(&inner, String::new(), &rule_block);
                    meta.address = format!(
                        "{}.security_rule{}",
                        resource.address,
                        block_key(meta.name.as_ref(), index)
                    );
                    let mut rule = SecurityRule::new(meta, Dialect::Terraform, RuleStyle::Inline);
                    rule.nsg = Some(Attr::known(id, block_span));
                    self.fill_rule(&inner, rule_block.body, &mut rule);
                    let rule_id = self.network.add_rule(rule);
                    self.network[id].rules.push(rule_id);
                }
            }
            // Rules are created above; ASGs have nothing beyond their name.
            ElementId::SecurityRule(_) | ElementId::Asg(_) => {}
            ElementId::SqlVirtualMachine(id) => {
                let vm = self.link(
                    env,
                    body,
                    "virtual_machine_id",
                    "virtual machine",
                    pick!(Vm),
                );
                // The provider's defaults, pointing at the block as defaults do.
                let port = self
                    .string(env, body, "sql_connectivity_port")
                    .or_else(|| Some(default_attr("1433", block_span)));
                let connectivity_type = self
                    .string(env, body, "sql_connectivity_type")
                    .or_else(|| Some(default_attr("PRIVATE", block_span)));
                let sql = &mut self.network[id];
                sql.vm = vm;
                sql.port = port;
                sql.connectivity_type = connectivity_type;
            }
            ElementId::PrivateEndpoint(id) => {
                let subnet = self.link(env, body, "subnet_id", "subnet", pick!(Subnet));
                let mut target = None;
                let mut group_ids = None;
                if let Some((inner, connection)) = self
                    .blocks(env, body, "private_service_connection")
                    .into_iter()
                    .next()
                {
                    target = self
                        .ev(&inner, connection.body, "private_connection_resource_id")
                        .and_then(shape_reference);
                    group_ids = self.strings(&inner, connection.body, "subresource_names");
                }
                let private_ip = self
                    .blocks(env, body, "ip_configuration")
                    .into_iter()
                    .find_map(|(inner, config)| {
                        self.string(&inner, config.body, "private_ip_address")
                    });
                let endpoint = &mut self.network[id];
                endpoint.subnet = subnet;
                endpoint.target = target;
                endpoint.group_ids = group_ids;
                endpoint.private_ip = private_ip;
            }
            ElementId::StorageAccount(id) => {
                let public = self.bool(env, body, "public_network_access_enabled");
                self.network[id].public_network_access = public;
                if let Some((inner, rules)) =
                    self.blocks(env, body, "network_rules").into_iter().next()
                {
                    self.fill_storage_rules(&inner, rules.body, id);
                }
            }
            ElementId::ExpressRouteCircuit(id) => {
                let provider = self.string(env, body, "service_provider_name");
                let location = self.string(env, body, "peering_location");
                let circuit = &mut self.network[id];
                circuit.service_provider = provider;
                circuit.peering_location = location;
            }
            ElementId::Nic(id) => {
                let mut configurations = Vec::new();
                for (inner, config) in self.blocks(env, body, "ip_configuration") {
                    let config_body = config.body;
                    let mut asgs = Vec::new();
                    // Legacy (provider 1.x) ASG list written on the configuration.
                    if let Some(list) = self.link_list(
                        &inner,
                        config_body,
                        "application_security_group_ids",
                        "application security group",
                        pick!(Asg),
                    ) {
                        asgs = flatten_list(list);
                    }
                    configurations.push(IpConfiguration {
                        span: self.span(&inner, config.span.clone()),
                        name: self.string(&inner, config_body, "name"),
                        subnet: self.link(
                            &inner,
                            config_body,
                            "subnet_id",
                            "subnet",
                            pick!(Subnet),
                        ),
                        allocation: self.string(
                            &inner,
                            config_body,
                            "private_ip_address_allocation",
                        ),
                        private_ip: self.string(&inner, config_body, "private_ip_address"),
                        public_ip: self.link(
                            &inner,
                            config_body,
                            "public_ip_address_id",
                            "public IP",
                            pick!(PublicIp),
                        ),
                        asgs,
                    });
                }
                let dns_servers = self.strings(env, body, "dns_servers");
                // Legacy (provider 1.x) association written on the NIC itself.
                let nsg = self.link(
                    env,
                    body,
                    "network_security_group_id",
                    "network security group",
                    pick!(Nsg),
                );
                let nic = &mut self.network[id];
                nic.ip_configurations = configurations;
                nic.dns_servers = dns_servers;
                nic.nsg = nsg;
            }
            ElementId::PublicIp(id) => {
                let sku = self.string(env, body, "sku");
                let allocation = self.string(env, body, "allocation_method");
                // Azure assigns the address at deployment; keep what it stands for.
                let ip_address = self.string(env, body, "ip_address").or_else(|| {
                    Some(Attr {
                        value: Val::Unknown(Unknown::reference(
                            Reference {
                                address: resource.address.clone(),
                                attribute: "ip_address".to_owned(),
                            },
                            format!(
                                "the address of `{}` is assigned by Azure at deployment",
                                resource.address
                            ),
                        )),
                        span: block_span,
                        origin: Origin::Default,
                    })
                });
                let public_ip = &mut self.network[id];
                public_ip.sku = sku;
                public_ip.allocation = allocation;
                public_ip.ip_address = ip_address;
            }
            ElementId::Vm(id) => {
                let nics = self
                    .link_list(
                        env,
                        body,
                        "network_interface_ids",
                        "network interface",
                        pick!(Nic),
                    )
                    .map(flatten_list)
                    .unwrap_or_default();
                self.network[id].nics = nics;
            }
            ElementId::RouteTable(id) => {
                let routes = self
                    .blocks(env, body, "route")
                    .into_iter()
                    .map(|(inner, route)| Route {
                        span: self.span(&inner, route.span.clone()),
                        name: self.string(&inner, route.body, "name"),
                        address_prefix: self.string(&inner, route.body, "address_prefix"),
                        next_hop_type: self.string(&inner, route.body, "next_hop_type"),
                        next_hop_ip: self.string(&inner, route.body, "next_hop_in_ip_address"),
                    })
                    .collect();
                self.network[id].routes = routes;
            }
            ElementId::Peering(id) => {
                let peering = Peering {
                    meta: self.network[id].meta.clone(),
                    vnet: self.name_link(
                        env,
                        body,
                        "virtual_network_name",
                        "virtual network",
                        pick!(Vnet),
                    ),
                    remote_vnet: self.link(
                        env,
                        body,
                        "remote_virtual_network_id",
                        "virtual network",
                        pick!(Vnet),
                    ),
                    allow_virtual_network_access: self.bool(
                        env,
                        body,
                        "allow_virtual_network_access",
                    ),
                    allow_forwarded_traffic: self.bool(env, body, "allow_forwarded_traffic"),
                    allow_gateway_transit: self.bool(env, body, "allow_gateway_transit"),
                    use_remote_gateways: self.bool(env, body, "use_remote_gateways"),
                };
                self.network[id] = peering;
            }
            ElementId::VnetGateway(id) => {
                let gateway_type = self.string(env, body, "type");
                let subnet = self
                    .blocks(env, body, "ip_configuration")
                    .into_iter()
                    .find_map(|(inner, config)| {
                        self.link(&inner, config.body, "subnet_id", "subnet", pick!(Subnet))
                    });
                let gateway = &mut self.network[id];
                gateway.gateway_type = gateway_type;
                gateway.subnet = subnet;
            }
            ElementId::LocalGateway(id) => {
                let address_space = self.strings(env, body, "address_space");
                let gateway_address = self.string(env, body, "gateway_address");
                let gateway = &mut self.network[id];
                gateway.address_space = address_space;
                gateway.gateway_address = gateway_address;
            }
            ElementId::GatewayConnection(id) => {
                let connection = GatewayConnection {
                    meta: self.network[id].meta.clone(),
                    connection_type: self.string(env, body, "type"),
                    gateway: self.link(
                        env,
                        body,
                        "virtual_network_gateway_id",
                        "virtual network gateway",
                        pick!(VnetGateway),
                    ),
                    local_gateway: self.link(
                        env,
                        body,
                        "local_network_gateway_id",
                        "local network gateway",
                        pick!(LocalGateway),
                    ),
                    peer_gateway: self.link(
                        env,
                        body,
                        "peer_virtual_network_gateway_id",
                        "virtual network gateway",
                        pick!(VnetGateway),
                    ),
                };
                self.network[id] = connection;
            }
            ElementId::Ase(id) => {
                let version = if resource.decl.rtype == "azurerm_app_service_environment_v3" {
                    AseVersion::V3
                } else {
                    AseVersion::V2
                };
                // The resource type decides the version, so the type label is what to point at.
                let type_span = block
                    .labels
                    .first()
                    .map_or(block_span, |(_, range)| self.span(env, range.clone()));
                let subnet = self.link(env, body, "subnet_id", "subnet", pick!(Subnet));
                let mode = self.string(env, body, "internal_load_balancing_mode");
                let ase = &mut self.network[id];
                ase.version = Some(Attr::known(version, type_span));
                ase.subnet = subnet;
                ase.internal_load_balancing_mode = mode;
            }
            ElementId::ServicePlan(id) => {
                let ase = self.link(
                    env,
                    body,
                    "app_service_environment_id",
                    "App Service Environment",
                    pick!(Ase),
                );
                // `azurerm_app_service_plan` writes the SKU as `sku { tier, size }`.
                let sku = self.string(env, body, "sku_name").or_else(|| {
                    self.blocks(env, body, "sku")
                        .into_iter()
                        .find_map(|(inner, sku)| self.string(&inner, sku.body, "size"))
                });
                let plan = &mut self.network[id];
                plan.ase = ase;
                plan.sku = sku;
            }
            ElementId::WebApp(id) => {
                let plan = self
                    .link(
                        env,
                        body,
                        "service_plan_id",
                        "App Service plan",
                        pick!(ServicePlan),
                    )
                    .or_else(|| {
                        self.link(
                            env,
                            body,
                            "app_service_plan_id",
                            "App Service plan",
                            pick!(ServicePlan),
                        )
                    });
                let subnet = self.link(
                    env,
                    body,
                    "virtual_network_subnet_id",
                    "subnet",
                    pick!(Subnet),
                );
                let connection_strings = self
                    .blocks(env, body, "connection_string")
                    .into_iter()
                    .map(|(inner, cs)| ConnectionString {
                        span: self.span(&inner, cs.span.clone()),
                        name: self.string(&inner, cs.body, "name"),
                        kind: self.string(&inner, cs.body, "type"),
                        value: self
                            .ev(&inner, cs.body, "value")
                            .and_then(|ev| self.shape_template(ev)),
                    })
                    .collect();
                let mut app_settings = Vec::new();
                if let Some(Ev {
                    kind: EvKind::Object(entries),
                    ..
                }) = self.ev(env, body, "app_settings")
                {
                    for entry in entries {
                        if let Some(value) = self.shape_template(entry.value) {
                            app_settings.push(AppSetting {
                                span: entry.span,
                                name: entry.key,
                                value,
                            });
                        }
                    }
                }
                let app = &mut self.network[id];
                app.plan = plan;
                app.vnet_integration_subnet = subnet;
                app.connection_strings = connection_strings;
                app.app_settings = app_settings;
            }
            ElementId::SqlServer(id) => {
                let public = self.bool(env, body, "public_network_access_enabled");
                self.network[id].public_network_access = public;
            }
            ElementId::SqlFirewallRule(id) => {
                let server = self
                    .link(env, body, "server_id", "SQL server", pick!(SqlServer))
                    .or_else(|| {
                        self.name_link(env, body, "server_name", "SQL server", pick!(SqlServer))
                    });
                let start_ip = self.string(env, body, "start_ip_address");
                let end_ip = self.string(env, body, "end_ip_address");
                let rule = &mut self.network[id];
                rule.server = server;
                rule.start_ip = start_ip;
                rule.end_ip = end_ip;
            }
        }
    }

    /// `network_rules` of a storage account, inline or from the separate resource.
    fn fill_storage_rules(
        &mut self,
        env: &Env,
        body: BodyRef<'a>,
        id: vnetlint_ir::StorageAccountId,
    ) {
        let default_action = self.string(env, body, "default_action");
        let bypass = self.strings(env, body, "bypass");
        let ip_rules = self.strings(env, body, "ip_rules");
        let subnets = self.link_list(
            env,
            body,
            "virtual_network_subnet_ids",
            "subnet",
            pick!(Subnet),
        );
        let account = &mut self.network[id];
        account.default_action = default_action;
        account.bypass = bypass;
        account.ip_rules = ip_rules;
        account.subnets = subnets;
    }

    /// The attributes inline and standalone subnets share.
    fn fill_subnet_common(&self, env: &Env, body: BodyRef<'a>, subnet: &mut Subnet) {
        subnet.address_prefixes =
            self.strings_or_single(env, body, "address_prefixes", "address_prefix");
        subnet.service_endpoints = self
            .strings(env, body, "service_endpoints")
            .or_else(|| self.strings(env, body, "service_endpoint"));
        for (inner, delegation) in self.blocks(env, body, "delegation") {
            for (innermost, service) in self.blocks(&inner, delegation.body, "service_delegation") {
                if let Some(name) = self.string(&innermost, service.body, "name") {
                    subnet.delegations.push(name);
                }
            }
        }
    }

    /// The attributes inline and standalone security rules share.
    fn fill_rule(&self, env: &Env, body: BodyRef<'a>, rule: &mut SecurityRule) {
        let asgs = |key| self.link_list(env, body, key, "application security group", pick!(Asg));
        rule.priority = self.string(env, body, "priority");
        rule.direction = self.string(env, body, "direction");
        rule.access = self.string(env, body, "access");
        rule.protocol = self.string(env, body, "protocol");
        rule.source_port_range = self.string(env, body, "source_port_range");
        rule.source_port_ranges = self.strings(env, body, "source_port_ranges");
        rule.destination_port_range = self.string(env, body, "destination_port_range");
        rule.destination_port_ranges = self.strings(env, body, "destination_port_ranges");
        rule.source_address_prefix = self.string(env, body, "source_address_prefix");
        rule.source_address_prefixes = self.strings(env, body, "source_address_prefixes");
        rule.destination_address_prefix = self.string(env, body, "destination_address_prefix");
        rule.destination_address_prefixes = self.strings(env, body, "destination_address_prefixes");
        rule.source_asgs = asgs("source_application_security_group_ids");
        rule.destination_asgs = asgs("destination_application_security_group_ids");
    }

    /// Applies an association resource to the elements it joins. An element already associated
    /// keeps its first association: the IR holds one, and the conflict is a check's business.
    fn associate(&mut self, resource: &Resource<'a>) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        match resource.decl.rtype {
            "azurerm_subnet_network_security_group_association" => {
                let subnet = self.link(env, body, "subnet_id", "subnet", pick!(Subnet));
                let nsg = self.link(
                    env,
                    body,
                    "network_security_group_id",
                    "network security group",
                    pick!(Nsg),
                );
                if let (Some(subnet), Some(nsg)) = (subnet.as_ref().and_then(Attr::get), nsg) {
                    let slot = &mut self.network[*subnet].nsg;
                    if slot.is_none() {
                        *slot = Some(nsg);
                    }
                }
            }
            "azurerm_subnet_route_table_association" => {
                let subnet = self.link(env, body, "subnet_id", "subnet", pick!(Subnet));
                let table = self.link(
                    env,
                    body,
                    "route_table_id",
                    "route table",
                    pick!(RouteTable),
                );
                if let (Some(subnet), Some(table)) = (subnet.as_ref().and_then(Attr::get), table) {
                    let slot = &mut self.network[*subnet].route_table;
                    if slot.is_none() {
                        *slot = Some(table);
                    }
                }
            }
            "azurerm_network_interface_security_group_association" => {
                let nic = self.link(
                    env,
                    body,
                    "network_interface_id",
                    "network interface",
                    pick!(Nic),
                );
                let nsg = self.link(
                    env,
                    body,
                    "network_security_group_id",
                    "network security group",
                    pick!(Nsg),
                );
                if let (Some(nic), Some(nsg)) = (nic.as_ref().and_then(Attr::get), nsg) {
                    let slot = &mut self.network[*nic].nsg;
                    if slot.is_none() {
                        *slot = Some(nsg);
                    }
                }
            }
            "azurerm_network_interface_application_security_group_association" => {
                let nic = self.link(
                    env,
                    body,
                    "network_interface_id",
                    "network interface",
                    pick!(Nic),
                );
                let asg = self.link(
                    env,
                    body,
                    "application_security_group_id",
                    "application security group",
                    pick!(Asg),
                );
                if let (Some(nic), Some(asg)) = (nic.as_ref().and_then(Attr::get), asg) {
                    for config in &mut self.network[*nic].ip_configurations {
                        config.asgs.push(asg.clone());
                    }
                }
            }
            "azurerm_virtual_network_dns_servers" => {
                let vnet = self.link(
                    env,
                    body,
                    "virtual_network_id",
                    "virtual network",
                    pick!(Vnet),
                );
                let servers = self.strings(env, body, "dns_servers");
                if let (Some(vnet), Some(servers)) = (vnet.as_ref().and_then(Attr::get), servers) {
                    let slot = &mut self.network[*vnet].dns_servers;
                    if slot.is_none() {
                        *slot = Some(servers);
                    }
                }
            }
            "azurerm_storage_account_network_rules" => {
                let account = self.link(
                    env,
                    body,
                    "storage_account_id",
                    "storage account",
                    pick!(StorageAccount),
                );
                if let Some(&account) = account.as_ref().and_then(Attr::get)
                    && self.network[account].default_action.is_none()
                {
                    self.fill_storage_rules(env, body, account);
                }
            }
            _ => {}
        }
    }
}

/// A value the provider sets when the attribute is not written.
fn default_attr(value: &str, block_span: Span) -> Attr<String> {
    Attr {
        value: Val::Known(value.to_owned()),
        span: block_span,
        origin: Origin::Default,
    }
}

/// The resource a `private_connection_resource_id` stands for.
fn shape_reference(ev: Ev) -> Option<Attr<Reference>> {
    let value = match ev.kind {
        EvKind::Null => return None,
        EvKind::Ref(Unknown {
            reference: Some(reference),
            ..
        }) => Val::Known(reference),
        EvKind::Scalar(text) => Val::Known(Reference {
            address: text,
            attribute: "id".to_owned(),
        }),
        EvKind::Ref(unknown) | EvKind::Unknown(unknown) => Val::Unknown(unknown),
        other => Val::Unknown(Unknown::new(unresolved_reason(&Ev::new(other, ev.span)))),
    };
    Some(Attr {
        value,
        span: ev.span,
        origin: ev.origin,
    })
}

fn empty_subnet(meta: Meta) -> Subnet {
    Subnet {
        meta,
        vnet: None,
        address_prefixes: None,
        nsg: None,
        route_table: None,
        delegations: Vec::new(),
        service_endpoints: None,
    }
}

/// The address suffix of an inline block: `["name"]` when the name is known, else `[index]`.
fn block_key(name: Option<&Attr<String>>, index: usize) -> String {
    match name.and_then(Attr::get) {
        Some(name) => format!("[\"{}\"]", name.replace('\\', "\\\\").replace('"', "\\\"")),
        None => format!("[{index}]"),
    }
}

/// A list of links as the IR's plain `Vec` of links: an unknown list becomes one unknown entry,
/// so that the element still says something it links to is not known.
fn flatten_list<I>(list: AttrList<I>) -> Vec<Attr<I>> {
    match list.value {
        Val::Known(items) => items,
        Val::Unknown(unknown) => vec![Attr {
            value: Val::Unknown(unknown),
            span: list.span,
            origin: list.origin,
        }],
    }
}
