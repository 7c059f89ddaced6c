//! A report's figures: the small arithmetic of formulas and validation
//! rules (numbers, indicator codes, `+ − × ÷` and parentheses), the values
//! of a report's indicators with the computed ones worked out, the rules
//! they break, and the values of indicators rolled up over units. Pure:
//! no database here, so every case is a unit test.

use std::collections::{BTreeSet, HashMap};

use entity::regime_indicator::{self, ValueType};
use entity::regime_rule::{self, Comparison};
use entity::report_value;

use super::reports::aggregate;

/// Most characters in one expression (a formula or a side of a rule).
pub const MAX_EXPRESSION: usize = 500;

/// Deepest nesting of parentheses and signs in an expression: keeps
/// parsing and evaluation shallow whatever the input.
pub const MAX_DEPTH: usize = 16;

/// Most validation rules one regime has.
pub const MAX_RULES: usize = 50;

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    /// An indicator's value, by code.
    Indicator(String),
    Neg(Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
}

/// Why an expression cannot be read, and where (in characters from 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub at: usize,
    pub message: String,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at character {})", self.message, self.at + 1)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Code(String),
    Op(Op),
    Open,
    Close,
}

fn error(at: usize, message: impl Into<String>) -> SyntaxError {
    SyntaxError {
        at,
        message: message.into(),
    }
}

/// A character a bare code goes on with (codes with `-` or `/`, or
/// starting with a digit, are written in brackets: `[HO-SO]`).
fn continues_code(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

fn tokens(text: &str) -> Result<Vec<(usize, Token)>, SyntaxError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let token = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '+' => Token::Op(Op::Add),
            '-' | '−' => Token::Op(Op::Sub),
            '*' | '×' => Token::Op(Op::Mul),
            '/' | '÷' => Token::Op(Op::Div),
            '(' => Token::Open,
            ')' => Token::Close,
            '[' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&c| c == ']')
                    .map(|p| i + 1 + p)
                    .ok_or_else(|| error(start, "`[` without its `]`"))?;
                let code: String = chars[i + 1..end].iter().collect();
                if code.is_empty() || !code.chars().all(|c| c.is_ascii_graphic()) {
                    return Err(error(start, "an indicator code in brackets, e.g. [HO-SO]"));
                }
                i = end + 1;
                out.push((start, Token::Code(code)));
                continue;
            }
            c if c.is_ascii_digit() => {
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                if i < chars.len() && chars[i] == '.' {
                    i += 1;
                    let digits = i;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                    if i == digits {
                        return Err(error(start, "a number has digits after its point"));
                    }
                }
                if i < chars.len() && continues_code(chars[i]) {
                    return Err(error(
                        start,
                        "a code that starts with a digit is written in brackets, e.g. [1A]",
                    ));
                }
                let literal: String = chars[start..i].iter().collect();
                let value: f64 = literal.parse().map_err(|_| error(start, "not a number"))?;
                if !value.is_finite() {
                    return Err(error(start, "the number is too large"));
                }
                out.push((start, Token::Number(value)));
                continue;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                while i < chars.len() && continues_code(chars[i]) {
                    i += 1;
                }
                out.push((start, Token::Code(chars[start..i].iter().collect())));
                continue;
            }
            other => return Err(error(start, format!("unexpected `{other}`"))),
        };
        out.push((start, token));
        i += 1;
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    next: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next).map(|(_, t)| t)
    }

    fn at(&self) -> usize {
        self.tokens.get(self.next).map_or(self.end, |(at, _)| *at)
    }

    fn sum(&mut self, depth: usize) -> Result<Expr, SyntaxError> {
        let mut left = self.product(depth)?;
        while let Some(Token::Op(op @ (Op::Add | Op::Sub))) = self.peek() {
            let op = *op;
            self.next += 1;
            let right = self.product(depth)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn product(&mut self, depth: usize) -> Result<Expr, SyntaxError> {
        let mut left = self.factor(depth)?;
        while let Some(Token::Op(op @ (Op::Mul | Op::Div))) = self.peek() {
            let op = *op;
            self.next += 1;
            let right = self.factor(depth)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn factor(&mut self, depth: usize) -> Result<Expr, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(error(
                self.at(),
                format!("nested more than {MAX_DEPTH} deep"),
            ));
        }
        let at = self.at();
        let Some((_, token)) = self.tokens.get(self.next).cloned() else {
            return Err(error(at, "the expression ends too early"));
        };
        self.next += 1;
        match token {
            Token::Number(n) => Ok(Expr::Number(n)),
            Token::Code(code) => Ok(Expr::Indicator(code)),
            Token::Op(Op::Sub) => Ok(Expr::Neg(Box::new(self.factor(depth + 1)?))),
            Token::Op(Op::Add) => self.factor(depth + 1),
            Token::Open => {
                let inner = self.sum(depth + 1)?;
                match self.peek() {
                    Some(Token::Close) => {
                        self.next += 1;
                        Ok(inner)
                    }
                    _ => Err(error(at, "`(` without its `)`")),
                }
            }
            Token::Close => Err(error(at, "unexpected `)`")),
            Token::Op(_) => Err(error(at, "an operator needs a number or a code before it")),
        }
    }
}

/// Reads an expression: numbers (`100`, `0.5`), indicator codes
/// (`DUNG_HAN`, or in brackets `[HO-SO]`), `+ - * /` (also `− × ÷`),
/// signs and parentheses, at most [`MAX_EXPRESSION`] characters nested at
/// most [`MAX_DEPTH`] deep.
pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
    let length = text.chars().count();
    if length > MAX_EXPRESSION {
        return Err(error(
            MAX_EXPRESSION,
            format!("an expression has at most {MAX_EXPRESSION} characters"),
        ));
    }
    let mut parser = Parser {
        tokens: tokens(text)?,
        next: 0,
        end: length,
    };
    if parser.tokens.is_empty() {
        return Err(error(0, "the expression is empty"));
    }
    let expr = parser.sum(0)?;
    if parser.next < parser.tokens.len() {
        return Err(error(parser.at(), "an operator is missing here"));
    }
    Ok(expr)
}

impl Expr {
    /// The value with each code's value from `value`; None when a code
    /// has none, on a division by zero, or when the result is not finite.
    pub fn eval(&self, value: &dyn Fn(&str) -> Option<f64>) -> Option<f64> {
        let result = match self {
            Expr::Number(n) => *n,
            Expr::Indicator(code) => value(code)?,
            Expr::Neg(inner) => -inner.eval(value)?,
            Expr::Binary(op, left, right) => {
                let (l, r) = (left.eval(value)?, right.eval(value)?);
                match op {
                    Op::Add => l + r,
                    Op::Sub => l - r,
                    Op::Mul => l * r,
                    Op::Div if r == 0.0 => return None,
                    Op::Div => l / r,
                }
            }
        };
        result.is_finite().then_some(result)
    }

    /// The indicator codes the expression reads.
    pub fn codes(&self) -> BTreeSet<&str> {
        let mut codes = BTreeSet::new();
        self.collect(&mut codes);
        codes
    }

    fn collect<'a>(&'a self, codes: &mut BTreeSet<&'a str>) {
        match self {
            Expr::Number(_) => {}
            Expr::Indicator(code) => {
                codes.insert(code);
            }
            Expr::Neg(inner) => inner.collect(codes),
            Expr::Binary(_, left, right) => {
                left.collect(codes);
                right.collect(codes);
            }
        }
    }
}

/// The operator's symbol.
pub fn symbol(comparison: Comparison) -> &'static str {
    match comparison {
        Comparison::Lt => "<",
        Comparison::Le => "<=",
        Comparison::Eq => "=",
        Comparison::Ge => ">=",
        Comparison::Gt => ">",
        Comparison::Ne => "!=",
    }
}

/// Whether `left comparison right` holds. Equality allows for the
/// rounding of decimal fractions (0.1 + 0.2 = 0.3), relative to the
/// larger side.
pub fn holds(comparison: Comparison, left: f64, right: f64) -> bool {
    let tolerance = 1e-9 * left.abs().max(right.abs()).max(1.0);
    let equal = (left - right).abs() <= tolerance;
    match comparison {
        Comparison::Lt => left < right && !equal,
        Comparison::Le => left < right || equal,
        Comparison::Eq => equal,
        Comparison::Ge => left > right || equal,
        Comparison::Gt => left > right && !equal,
        Comparison::Ne => !equal,
    }
}

/// One indicator's value in a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub code: String,
    /// The number (INTEGER, NUMBER, PERCENTAGE, a computed indicator, or
    /// a BOOLEAN's count of yes in a compiled report); None for a
    /// computed one that is undefined (a division by zero).
    pub value: Option<f64>,
    /// A BOOLEAN's answer in a unit report.
    pub yes: Option<bool>,
    /// A TEXT's answer.
    pub text: Option<String>,
}

/// The numbers a report's stored values give, by code: what formulas and
/// rules read (BOOLEAN as 1 or 0; no TEXT).
fn numbers(
    indicators: &[regime_indicator::Model],
    stored: &[report_value::Model],
) -> HashMap<String, f64> {
    let mut numbers: HashMap<String, f64> = indicators
        .iter()
        .filter(|i| i.formula.is_none() && i.value_type != ValueType::Text)
        .filter_map(|i| {
            let v = stored.iter().find(|v| v.indicator_code == i.code)?;
            Some((i.code.clone(), v.value))
        })
        .collect();
    computed(indicators, &mut numbers);
    numbers
}

/// Adds the computed indicators whose inputs all have values to
/// `numbers` (undefined ones as NaN, so that a rule on them is not
/// judged). A formula reads only entered indicators, so one pass does.
fn computed(indicators: &[regime_indicator::Model], numbers: &mut HashMap<String, f64>) {
    let mut found = Vec::new();
    for i in indicators {
        let Some(expr) = i.formula.as_deref().and_then(|f| parse(f).ok()) else {
            continue;
        };
        if expr.codes().iter().all(|c| numbers.contains_key(*c)) {
            let value = expr.eval(&|c| numbers.get(c).copied());
            found.push((i.code.clone(), value.unwrap_or(f64::NAN)));
        }
    }
    numbers.extend(found);
}

/// A report's figures in the regime's order: what it stores, and each
/// computed indicator's formula over them once all its inputs are given
/// (null on a division by zero). In a compiled report a BOOLEAN's figure
/// is a number (how many units said yes, or the share).
pub fn figures_of(
    indicators: &[regime_indicator::Model],
    stored: &[report_value::Model],
    compiled: bool,
) -> Vec<Figure> {
    let numbers = numbers(indicators, stored);
    indicators
        .iter()
        .filter_map(|i| {
            if i.formula.is_some() {
                let value = *numbers.get(&i.code)?;
                return Some(Figure {
                    code: i.code.clone(),
                    value: value.is_finite().then_some(value),
                    yes: None,
                    text: None,
                });
            }
            let v = stored.iter().find(|v| v.indicator_code == i.code)?;
            let (value, yes, text) = match i.value_type {
                ValueType::Text => (None, None, v.text_value.clone()),
                ValueType::Boolean if !compiled => (None, Some(v.value != 0.0), None),
                _ => (Some(v.value), None, None),
            };
            Some(Figure {
                code: i.code.clone(),
                value,
                yes,
                text,
            })
        })
        .collect()
}

/// A rule a report's figures break, with both sides' values.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub rule: regime_rule::Model,
    pub left: f64,
    pub right: f64,
}

impl Violation {
    /// What a reporter reads: the rule's code and name, and both sides.
    pub fn message(&self) -> String {
        format!(
            "rule {} ({}) is broken: {} = {} is not {} {} = {}",
            self.rule.code,
            self.rule.name,
            self.rule.left_expr,
            self.left,
            symbol(self.rule.operator),
            self.rule.right_expr,
            self.right,
        )
    }
}

/// The rules a report's figures break. A rule is judged once every
/// indicator it reads has a value, and not when a side is undefined (a
/// division by zero): a draft given in parts is not warned about what it
/// has not given yet.
pub fn violations(
    indicators: &[regime_indicator::Model],
    rules: &[regime_rule::Model],
    stored: &[report_value::Model],
) -> Vec<Violation> {
    let numbers = numbers(indicators, stored);
    let value = |c: &str| numbers.get(c).copied();
    rules
        .iter()
        .filter_map(|rule| {
            let left = parse(&rule.left_expr).ok()?.eval(&value)?;
            let right = parse(&rule.right_expr).ok()?.eval(&value)?;
            (!holds(rule.operator, left, right)).then(|| Violation {
                rule: rule.clone(),
                left,
                right,
            })
        })
        .collect()
}

/// Each indicator's value over rolled-up totals, in the order given: an
/// entered one aggregated from its total over `reports` reports (None for
/// TEXT, or with no report), a computed one by its formula over those
/// values (None when an input has none, or on a division by zero). What
/// `reportingProgress` and the compiled report both show.
pub fn rolled_up(
    indicators: &[regime_indicator::Model],
    total_of: impl Fn(&str) -> Option<(f64, i64)>,
) -> Vec<Option<f64>> {
    let entered: HashMap<&str, f64> = indicators
        .iter()
        .filter(|i| i.formula.is_none() && i.value_type != ValueType::Text)
        .filter_map(|i| {
            let (total, reports) = total_of(&i.code)?;
            let reports = i32::try_from(reports).unwrap_or(i32::MAX);
            Some((i.code.as_str(), aggregate(i.aggregation, total, reports)?))
        })
        .collect();
    indicators
        .iter()
        .map(|i| match &i.formula {
            Some(formula) => parse(formula).ok()?.eval(&|c| entered.get(c).copied()),
            None => entered.get(i.code.as_str()).copied(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::regime_indicator::Aggregation;
    use uuid::Uuid;

    fn eval(text: &str, values: &[(&str, f64)]) -> Option<f64> {
        let values: HashMap<&str, f64> = values.iter().copied().collect();
        parse(text).unwrap().eval(&|c| values.get(c).copied())
    }

    #[test]
    fn operators_bind_as_in_school() {
        assert_eq!(eval("1 + 2 * 3", &[]), Some(7.0));
        assert_eq!(eval("(1 + 2) * 3", &[]), Some(9.0));
        assert_eq!(eval("10 - 4 - 3", &[]), Some(3.0));
        assert_eq!(eval("24 / 4 / 3", &[]), Some(2.0));
        assert_eq!(eval("-2 * -3", &[]), Some(6.0));
        assert_eq!(eval("+5 - -5", &[]), Some(10.0));
        assert_eq!(eval("0.5 × 4 ÷ 2 − 1", &[]), Some(0.0));
    }

    #[test]
    fn codes_read_the_values_given() {
        let values = [("DUNG_HAN", 45.0), ("DA_GIAI_QUYET", 50.0), ("HO-SO", 3.0)];
        assert_eq!(eval("100 * DUNG_HAN / DA_GIAI_QUYET", &values), Some(90.0));
        assert_eq!(eval("[HO-SO] + 1", &values), Some(4.0));
        assert_eq!(eval("DUNG_HAN + KHAC", &values), None);
        assert_eq!(
            parse("100 * DUNG_HAN / (DA_GIAI_QUYET + [HO-SO])")
                .unwrap()
                .codes()
                .into_iter()
                .collect::<Vec<_>>(),
            ["DA_GIAI_QUYET", "DUNG_HAN", "HO-SO"]
        );
    }

    #[test]
    fn a_division_by_zero_is_undefined_not_an_error() {
        assert_eq!(eval("100 * A / B", &[("A", 0.0), ("B", 0.0)]), None);
        assert_eq!(eval("1 / (2 - 2)", &[]), None);
    }

    #[test]
    fn malformed_expressions_are_refused_with_where() {
        for (text, at) in [
            ("", 0),
            ("   ", 0),
            ("1 +", 3),
            ("* 2", 0),
            ("(1 + 2", 0),
            ("1 + 2)", 5),
            ("A B", 2),
            ("2A", 0),
            ("1.", 0),
            ("A % B", 2),
            ("[HO-SO", 0),
            ("[]", 0),
            ("()", 1),
        ] {
            let err = parse(text).expect_err(text);
            assert_eq!(err.at, at, "{text}: {err}");
        }
    }

    #[test]
    fn length_and_depth_are_bounded() {
        let long = format!("A{}", " + A".repeat(MAX_EXPRESSION / 4));
        assert!(parse(&long).unwrap_err().message.contains("500"));
        let deep = format!(
            "{}1{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        assert!(parse(&deep).unwrap_err().message.contains("nested"));
        let fine = format!("{}1{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(parse(&fine).unwrap(), Expr::Number(1.0));
        assert!(parse(&"-".repeat(40)).is_err());
        // A long flat chain is not nesting.
        let chain = format!("A{}", " + A".repeat(100));
        assert_eq!(parse(&chain).unwrap().eval(&|_| Some(1.0)), Some(101.0));
    }

    #[test]
    fn comparisons_forgive_decimal_rounding_only() {
        assert!(holds(Comparison::Eq, 0.1 + 0.2, 0.3));
        assert!(!holds(Comparison::Ne, 0.1 + 0.2, 0.3));
        assert!(holds(Comparison::Le, 5.0, 5.0));
        assert!(!holds(Comparison::Lt, 5.0, 5.0));
        assert!(holds(Comparison::Lt, 4.0, 5.0));
        assert!(!holds(Comparison::Le, 5000.0, 96.0));
        assert!(holds(Comparison::Ge, 96.0, 5.0));
        assert!(holds(Comparison::Gt, 96.0, 5.0));
        assert!(!holds(Comparison::Gt, 1.0, 1.0 + 1e-12));
    }

    fn indicator(
        code: &str,
        value_type: ValueType,
        formula: Option<&str>,
    ) -> regime_indicator::Model {
        regime_indicator::Model {
            id: Uuid::nil(),
            regime_id: Uuid::nil(),
            code: code.into(),
            name: code.into(),
            measure: "hồ sơ".into(),
            aggregation: Aggregation::Sum,
            position: 0,
            value_type,
            min_value: None,
            max_value: None,
            formula: formula.map(str::to_owned),
        }
    }

    fn stored(code: &str, value: f64) -> report_value::Model {
        report_value::Model {
            report_id: Uuid::nil(),
            indicator_code: code.into(),
            value,
            text_value: None,
        }
    }

    fn regime() -> Vec<regime_indicator::Model> {
        vec![
            indicator("DA_GIAI_QUYET", ValueType::Integer, None),
            indicator("DUNG_HAN", ValueType::Integer, None),
            indicator(
                "TY_LE",
                ValueType::Percentage,
                Some("100 * DUNG_HAN / DA_GIAI_QUYET"),
            ),
            indicator("CONG_KHAI", ValueType::Boolean, None),
        ]
    }

    #[test]
    fn a_report_computes_its_rate_once_its_inputs_are_given() {
        let partial = figures_of(&regime(), &[stored("DUNG_HAN", 9.0)], false);
        assert_eq!(partial.len(), 1);
        let full = figures_of(
            &regime(),
            &[
                stored("DA_GIAI_QUYET", 12.0),
                stored("DUNG_HAN", 9.0),
                stored("CONG_KHAI", 1.0),
            ],
            false,
        );
        assert_eq!(full[2].value, Some(75.0));
        assert_eq!(full[3].yes, Some(true));
        let nothing_resolved = figures_of(
            &regime(),
            &[stored("DA_GIAI_QUYET", 0.0), stored("DUNG_HAN", 0.0)],
            false,
        );
        assert_eq!(nothing_resolved[2].code, "TY_LE");
        assert_eq!(nothing_resolved[2].value, None);
    }

    #[test]
    fn a_rate_rolls_up_from_totals_not_from_rates() {
        // Two units: 9 of 10 on time (90 %), 1 of 90 (1.1 %). The average
        // of rates would be 45.6 %; the rate of the totals is 10 %.
        let totals: HashMap<&str, (f64, i64)> = [
            ("DA_GIAI_QUYET", (100.0, 2)),
            ("DUNG_HAN", (10.0, 2)),
            ("CONG_KHAI", (1.0, 2)),
        ]
        .into_iter()
        .collect();
        let values = rolled_up(&regime(), |c| totals.get(c).copied());
        assert_eq!(values, [Some(100.0), Some(10.0), Some(10.0), Some(1.0)]);
        let none = rolled_up(&regime(), |_| Some((0.0, 0)));
        assert_eq!(none, [None, None, None, None]);
        let zero = rolled_up(&regime(), |_| Some((0.0, 3)));
        assert_eq!(zero[2], None);
    }

    #[test]
    fn broken_rules_name_both_sides() {
        let rule = regime_rule::Model {
            id: Uuid::nil(),
            regime_id: Uuid::nil(),
            code: "R1".into(),
            name: "Đúng hạn không vượt số đã giải quyết".into(),
            left_expr: "DUNG_HAN".into(),
            operator: Comparison::Le,
            right_expr: "DA_GIAI_QUYET".into(),
            position: 0,
        };
        let rate = regime_rule::Model {
            code: "R2".into(),
            left_expr: "TY_LE".into(),
            right_expr: "100".into(),
            ..rule.clone()
        };
        let rules = [rule, rate];
        let broken = violations(
            &regime(),
            &rules,
            &[stored("DA_GIAI_QUYET", 96.0), stored("DUNG_HAN", 5000.0)],
        );
        assert_eq!(broken.len(), 2);
        assert_eq!(
            broken[0].message(),
            "rule R1 (Đúng hạn không vượt số đã giải quyết) is broken: DUNG_HAN = 5000 is not <= DA_GIAI_QUYET = 96"
        );
        assert!(broken[1].message().contains("TY_LE = 5208.333"));
        // Not judged until both sides are given, nor on a division by zero.
        assert!(violations(&regime(), &rules, &[stored("DUNG_HAN", 5000.0)]).is_empty());
        assert!(
            violations(
                &regime(),
                &rules[1..],
                &[stored("DA_GIAI_QUYET", 0.0), stored("DUNG_HAN", 0.0)]
            )
            .is_empty()
        );
    }
}
