//! Route table: a trie over path segments. Literal segments are preferred over `{param}`
//! segments, with backtracking when the literal branch does not lead to a match.

use std::collections::HashMap;

use hyper::Method;

use crate::spec::Operation;

#[derive(Debug, Default)]
struct Node {
    literals: HashMap<String, Node>,
    param: Option<Box<Node>>,
    /// Operations ending at this node (index into the spec's operations).
    ops: Vec<usize>,
}

/// The route table.
#[derive(Debug, Default)]
pub struct Router {
    root: Node,
}

/// Result of a route lookup.
#[derive(Debug, PartialEq, Eq)]
pub enum RouteMatch {
    /// The operation index and the path parameter values, in path order.
    Found {
        op: usize,
        params: Vec<String>,
    },
    /// The path exists but not for this method; the methods it has.
    MethodNotAllowed(Vec<Method>),
    NotFound,
}

impl Router {
    pub fn build(ops: &[Operation]) -> Router {
        let mut root = Node::default();
        for (i, op) in ops.iter().enumerate() {
            let mut node = &mut root;
            for seg in op.path.split('/').skip(1) {
                node = if seg.starts_with('{') && seg.ends_with('}') {
                    node.param.get_or_insert_with(Default::default)
                } else {
                    node.literals.entry(seg.to_string()).or_default()
                };
            }
            node.ops.push(i);
        }
        Router { root }
    }

    /// Looks up decoded path segments (the path split on `/`, without the leading empty one).
    pub fn lookup(&self, ops: &[Operation], method: &Method, segments: &[String]) -> RouteMatch {
        let mut params = Vec::new();
        let mut allowed: Vec<Method> = Vec::new();
        if let Some(op) = walk(&self.root, ops, method, segments, &mut params, &mut allowed) {
            return RouteMatch::Found { op, params };
        }
        // HEAD falls back to GET.
        if method == Method::HEAD {
            params.clear();
            let mut ignored = Vec::new();
            if let Some(op) = walk(
                &self.root,
                ops,
                &Method::GET,
                segments,
                &mut params,
                &mut ignored,
            ) {
                return RouteMatch::Found { op, params };
            }
        }
        if allowed.is_empty() {
            RouteMatch::NotFound
        } else {
            RouteMatch::MethodNotAllowed(allowed)
        }
    }
}

fn walk(
    node: &Node,
    ops: &[Operation],
    method: &Method,
    segs: &[String],
    params: &mut Vec<String>,
    allowed: &mut Vec<Method>,
) -> Option<usize> {
    let Some((first, rest)) = segs.split_first() else {
        for &i in &node.ops {
            if ops[i].method == *method {
                return Some(i);
            }
            if !allowed.contains(&ops[i].method) {
                allowed.push(ops[i].method.clone());
            }
        }
        return None;
    };
    if let Some(child) = node.literals.get(first.as_str()) {
        if let Some(found) = walk(child, ops, method, rest, params, allowed) {
            return Some(found);
        }
    }
    if let Some(child) = &node.param {
        if !first.is_empty() {
            params.push(first.clone());
            if let Some(found) = walk(child, ops, method, rest, params, allowed) {
                return Some(found);
            }
            params.pop();
        }
    }
    None
}
