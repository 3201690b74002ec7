/**
 * The condition language of auto-apply rules: parsed by the grammar below into a tree (never `eval`), evaluated
 * against an item's fields with a trace a person can read ("confidence 0.86 > 0.8"). A rule keeps its text as
 * written, so it is shown back exactly; a parse error names the position (0-based offset and column) and what was
 * expected there.
 *
 *   expression := or
 *   or         := and ("OR" and)*
 *   and        := not ("AND" not)*
 *   not        := "NOT" not | comparison
 *   comparison := operand (("=" | "!=" | ">" | ">=" | "<" | "<=") operand)?
 *   operand    := number | string | field | "true" | "false" | "(" expression ")"
 *   string     := '"' chars '"' | "'" chars "'"
 * Keywords are case-insensitive; fields are the names in RULE_FIELDS.
 *
 * A condition that parses is also type-checked (checkTypes below) before anyone can save, preview or run it: `=` and
 * `!=` compare values of one type, `>` `>=` `<` `<=` order numbers only, and AND, OR, NOT and the whole condition
 * take conditions (a comparison, true or false), never a bare number or string. A mistake there would otherwise
 * parse and silently never match ("not numbers", "false"), so it is refused like a syntax error, at its position.
 */

export const RULE_FIELDS = {
  source: 'string',
  /** SP, SB or SD (the source's ad product); null for sources spanning products (Partner Opportunities…). */
  adProduct: 'string',
  sourceType: 'string',
  kind: 'string',
  goal: 'string',
  advertiser: 'string',
  actionType: 'string',
  confidence: 'number',
  impactScore: 'number',
  /** The upper end of the first impact estimate. */
  estimatedImpact: 'number',
  /** |to - from| / from in percent, for numeric changes. */
  changePercent: 'number',
  /** The change in daily spend it implies (budgets: to - from), in the item's currency. */
  spendChange: 'number',
  newToBrandCustomerRate: 'number',
  customerConversionRate: 'number',
  audienceAffinity: 'number',
  freshnessHours: 'number',
  /** The advertiser's category distribution (Brand Benchmarks): percentiles of the two brand signals above. */
  categoryNewToBrandCustomerRateP25: 'number',
  categoryNewToBrandCustomerRateP50: 'number',
  categoryNewToBrandCustomerRateP75: 'number',
  categoryNewToBrandCustomerRateP90: 'number',
  categoryCustomerConversionRateP25: 'number',
  categoryCustomerConversionRateP50: 'number',
  categoryCustomerConversionRateP75: 'number',
  categoryCustomerConversionRateP90: 'number',
} as const;
export type RuleField = keyof typeof RULE_FIELDS;

/**
 * Dotted names the examples use for the insight signals (`audience.affinity`,
 * `advertiser.newToBrandCustomerRate`): the same fields under the names a person reads in the product guide.
 */
export const RULE_FIELD_ALIASES: Readonly<Record<string, RuleField>> = {
  'audience.affinity': 'audienceAffinity',
  'advertiser.newToBrandCustomerRate': 'newToBrandCustomerRate',
  'advertiser.customerConversionRate': 'customerConversionRate',
  'advertiser.category.newToBrandCustomerRate.p25': 'categoryNewToBrandCustomerRateP25',
  'advertiser.category.newToBrandCustomerRate.p50': 'categoryNewToBrandCustomerRateP50',
  'advertiser.category.newToBrandCustomerRate.p75': 'categoryNewToBrandCustomerRateP75',
  'advertiser.category.newToBrandCustomerRate.p90': 'categoryNewToBrandCustomerRateP90',
  'advertiser.category.customerConversionRate.p25': 'categoryCustomerConversionRateP25',
  'advertiser.category.customerConversionRate.p50': 'categoryCustomerConversionRateP50',
  'advertiser.category.customerConversionRate.p75': 'categoryCustomerConversionRateP75',
  'advertiser.category.customerConversionRate.p90': 'categoryCustomerConversionRateP90',
};
export type FieldValues = Partial<Record<RuleField, number | string | null>>;

type Op = '=' | '!=' | '>' | '>=' | '<' | '<=';
export type Node =
  | { type: 'or' | 'and'; left: Node; right: Node; at: number }
  | { type: 'not'; operand: Node; at: number }
  | { type: 'compare'; op: Op; left: Node; right: Node; at: number }
  /** `written`: the name as the condition spells it (`audience.affinity`), for messages. */
  | { type: 'field'; name: RuleField; written: string; at: number }
  | { type: 'literal'; value: number | string | boolean; at: number };

export class RuleParseError extends Error {
  constructor(
    message: string,
    readonly position: number,
    readonly expression: string,
  ) {
    super(`${message} at column ${position + 1}`);
    this.name = 'RuleParseError';
  }

  /** The expression with a caret under the position, for a person to read. */
  get pointer(): string {
    return `${this.expression}\n${' '.repeat(this.position)}^`;
  }
}

type Token =
  | { kind: 'number'; value: number; at: number; text: string }
  | { kind: 'string'; value: string; at: number; text: string }
  | { kind: 'word'; value: string; at: number; text: string }
  | { kind: 'op'; value: Op | '(' | ')'; at: number; text: string }
  | { kind: 'end'; at: number; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? '')) || (c === '-' && /[0-9.]/.test(text[i + 1] ?? ''))) {
      i++;
      while (i < text.length && /[0-9.]/.test(text[i] as string)) i++;
      const raw = text.slice(start, i);
      const value = Number(raw);
      if (!Number.isFinite(value) || raw.split('.').length > 2) throw new RuleParseError(`"${raw}" is not a number`, start, text);
      tokens.push({ kind: 'number', value, at: start, text: raw });
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      let value = '';
      while (i < text.length && text[i] !== c) value += text[i++];
      if (i >= text.length) throw new RuleParseError('This string is never closed', start, text);
      i++;
      tokens.push({ kind: 'string', value, at: start, text: text.slice(start, i) });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      // A dot joins the parts of an alias (`audience.affinity`) when a letter follows it.
      while (i < text.length && (/[A-Za-z0-9_]/.test(text[i] as string) || (text[i] === '.' && /[A-Za-z_]/.test(text[i + 1] ?? '')))) i++;
      const word = text.slice(start, i);
      tokens.push({ kind: 'word', value: word, at: start, text: word });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '>=' || two === '<=' || two === '!=' || two === '==') {
      tokens.push({ kind: 'op', value: two === '==' ? '=' : two, at: start, text: two });
      i += 2;
      continue;
    }
    if (c === '=' || c === '>' || c === '<' || c === '(' || c === ')') {
      tokens.push({ kind: 'op', value: c, at: start, text: c });
      i++;
      continue;
    }
    throw new RuleParseError(`Unexpected character "${c}"`, start, text);
  }
  tokens.push({ kind: 'end', at: text.length, text: '' });
  return tokens;
}

const FIELD_BY_LOWER = new Map<string, RuleField>([
  ...Object.keys(RULE_FIELDS).map((name) => [name.toLowerCase(), name as RuleField] as const),
  ...Object.entries(RULE_FIELD_ALIASES).map(([alias, name]) => [alias.toLowerCase(), name] as const),
]);
const isKeyword = (token: Token, word: string) => token.kind === 'word' && token.value.toUpperCase() === word;

export function parseRuleExpression(text: string): Node {
  if (text.trim() === '') throw new RuleParseError('The condition is empty', 0, text);
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos] as Token;
  const next = () => tokens[pos++] as Token;

  const expression = (): Node => or();
  const or = (): Node => {
    let left = and();
    while (isKeyword(peek(), 'OR')) {
      const at = next().at;
      left = { type: 'or', left, right: and(), at };
    }
    return left;
  };
  const and = (): Node => {
    let left = not();
    while (isKeyword(peek(), 'AND')) {
      const at = next().at;
      left = { type: 'and', left, right: not(), at };
    }
    return left;
  };
  const not = (): Node => {
    if (isKeyword(peek(), 'NOT')) {
      const at = next().at;
      return { type: 'not', operand: not(), at };
    }
    return comparison();
  };
  const comparison = (): Node => {
    const left = operand();
    const token = peek();
    if (token.kind === 'op' && token.value !== '(' && token.value !== ')') {
      next();
      return { type: 'compare', op: token.value, left, right: operand(), at: token.at };
    }
    return left;
  };
  const operand = (): Node => {
    const token = next();
    if (token.kind === 'number' || token.kind === 'string') return { type: 'literal', value: token.value, at: token.at };
    if (token.kind === 'op' && token.value === '(') {
      const inner = expression();
      const close = next();
      if (close.kind !== 'op' || close.value !== ')') throw new RuleParseError(`Expected ")" but found ${describe(close)}`, close.at, text);
      return inner;
    }
    if (token.kind === 'word') {
      const upper = token.value.toUpperCase();
      if (upper === 'TRUE' || upper === 'FALSE') return { type: 'literal', value: upper === 'TRUE', at: token.at };
      if (upper === 'AND' || upper === 'OR' || upper === 'NOT')
        throw new RuleParseError(`Expected a field or a value but found ${upper}`, token.at, text);
      const field = FIELD_BY_LOWER.get(token.value.toLowerCase());
      if (!field)
        throw new RuleParseError(`Unknown field "${token.value}" (known: ${Object.keys(RULE_FIELDS).join(', ')})`, token.at, text);
      return { type: 'field', name: field, written: token.value, at: token.at };
    }
    throw new RuleParseError(`Expected a field or a value but found ${describe(token)}`, token.at, text);
  };

  const tree = expression();
  const rest = peek();
  if (rest.kind !== 'end') throw new RuleParseError(`Expected AND, OR or the end but found ${describe(rest)}`, rest.at, text);
  checkTypes(tree, text);
  return tree;
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end of the condition' : `"${token.text}"`;
}

/** A parsed condition whose operands have the wrong type for where they stand (e.g. a number field against a string). */
export class RuleTypeError extends RuleParseError {
  constructor(message: string, position: number, expression: string) {
    super(message, position, expression);
    this.name = 'RuleTypeError';
  }
}

/** What an operand is: a number, a string, or a condition (a comparison, AND / OR / NOT, true or false). */
type ValueType = 'number' | 'string' | 'condition';

const ORDERING: ReadonlySet<Op> = new Set(['>', '>=', '<', '<=']);

function typeOf(node: Node): ValueType {
  if (node.type === 'field') return RULE_FIELDS[node.name];
  if (node.type === 'literal') return typeof node.value === 'boolean' ? 'condition' : typeof node.value === 'number' ? 'number' : 'string';
  return 'condition';
}

/** The operand in a message: `audience.affinity`, `the string "x"`, `the number 3`, `true`, `a condition`. */
function operandName(node: Node): string {
  if (node.type === 'field') return node.written;
  if (node.type === 'literal' && typeof node.value === 'string') return `the string "${node.value}"`;
  if (node.type === 'literal' && typeof node.value === 'number') return `the number ${node.value}`;
  if (node.type === 'literal') return String(node.value);
  return 'a condition';
}

/** Refuses the first operand whose type does not fit where it stands, as a RuleTypeError at its position. */
function checkTypes(tree: Node, text: string): void {
  checkCondition(tree, (message, at) => {
    throw new RuleTypeError(message, at, text);
  });
}

type Fail = (message: string, at: number) => never;
type CompareNode = Extract<Node, { type: 'compare' }>;

/** Where a condition is expected: the whole rule, AND / OR / NOT, and a parenthesised operand of a comparison. */
function checkCondition(node: Node, fail: Fail): void {
  if (node.type === 'and' || node.type === 'or') {
    checkCondition(node.left, fail);
    checkCondition(node.right, fail);
  } else if (node.type === 'not') checkCondition(node.operand, fail);
  else if (node.type === 'compare') checkComparison(node, fail);
  else if (typeOf(node) !== 'condition')
    fail(
      node.type === 'field'
        ? `${node.written} is a ${typeOf(node)}, not a condition: compare it with a value (= != > >= < <=)`
        : `Expected a condition but found ${operandName(node)}`,
      node.at,
    );
}

function checkComparison(node: CompareNode, fail: Fail): void {
  // `(confidence > 0.8) = true`: the parenthesised side is a condition of its own.
  for (const side of [node.left, node.right]) if (side.type !== 'field' && side.type !== 'literal') checkCondition(side, fail);
  if (ORDERING.has(node.op)) checkOrdering(node, fail);
  else checkEquality(node, fail);
}

/** Where to point for a wrong operand: at it, or for a parenthesised condition at the comparison's operator. */
function positionOf(operand: Node, comparison: CompareNode): number {
  return operand.type === 'field' || operand.type === 'literal' ? operand.at : comparison.at;
}

/** `>` `>=` `<` `<=` order numbers: a string field or a condition cannot be ordered, a number only against a number. */
function checkOrdering(node: CompareNode, fail: Fail): void {
  const sides = [node.left, node.right];
  const unordered = sides.find((side) => side.type === 'field' && typeOf(side) !== 'number');
  if (unordered)
    fail(`${operandName(unordered)} is a ${typeOf(unordered)}: ${node.op} orders numbers only (compare a string with = or !=)`, node.at);
  const field = sides.find((side) => side.type === 'field');
  const wrong = sides.find((side) => typeOf(side) !== 'number');
  if (!wrong) return;
  const at = positionOf(wrong, node);
  if (field) fail(`${operandName(field)} is a number: ${node.op} compares it with a number, not ${operandName(wrong)}`, at);
  fail(`${node.op} orders numbers only, not ${operandName(wrong)}`, at);
}

/** `=` and `!=` compare values of one type: a field's type decides what the other side must be. */
function checkEquality(node: CompareNode, fail: Fail): void {
  const left = typeOf(node.left);
  const right = typeOf(node.right);
  if (left === right) return;
  const leftIsField = node.left.type === 'field';
  const rightIsField = node.right.type === 'field';
  if (leftIsField && rightIsField)
    fail(
      `${operandName(node.left)} is a ${left} and ${operandName(node.right)} is a ${right}: ${node.op} compares values of the same type`,
      node.at,
    );
  const [field, other] = rightIsField && !leftIsField ? [node.right, node.left] : [node.left, node.right];
  if (field.type === 'field')
    fail(
      `${operandName(field)} is a ${typeOf(field)}: ${node.op} compares it with a ${typeOf(field)}, not ${operandName(other)}`,
      positionOf(other, node),
    );
  fail(`${node.op} compares values of the same type, not ${operandName(node.left)} and ${operandName(node.right)}`, node.at);
}

export interface Evaluation {
  matched: boolean;
  /** What decided it, e.g. ["confidence 0.86 > 0.8", "impactScore 8.1 > 7"]. */
  trace: string[];
}

function operandValue(node: Node, fields: FieldValues): number | string | boolean | null {
  if (node.type === 'literal') return node.value;
  if (node.type === 'field') return fields[node.name] ?? null;
  return evaluate(node, fields).matched;
}

function show(value: number | string | boolean | null): string {
  if (value === null) return 'unknown';
  if (typeof value === 'string') return `"${value}"`;
  return String(value);
}

function label(node: Node, value: number | string | boolean | null): string {
  return node.type === 'field' ? `${node.name} ${show(value)}` : show(value);
}

export function evaluate(node: Node, fields: FieldValues): Evaluation {
  switch (node.type) {
    case 'and': {
      const left = evaluate(node.left, fields);
      if (!left.matched) return left;
      const right = evaluate(node.right, fields);
      return { matched: right.matched, trace: right.matched ? [...left.trace, ...right.trace] : right.trace };
    }
    case 'or': {
      const left = evaluate(node.left, fields);
      if (left.matched) return left;
      const right = evaluate(node.right, fields);
      return { matched: right.matched, trace: right.matched ? right.trace : [...left.trace, ...right.trace] };
    }
    case 'not': {
      const inner = evaluate(node.operand, fields);
      return { matched: !inner.matched, trace: [`not (${inner.trace.join(', ')})`] };
    }
    case 'compare': {
      const left = operandValue(node.left, fields);
      const right = operandValue(node.right, fields);
      const text = (op: string) => `${label(node.left, left)} ${op} ${label(node.right, right)}`;
      if (left === null || right === null) return { matched: false, trace: [`${text(node.op)}: no value`] };
      let matched: boolean;
      if (node.op === '=' || node.op === '!=') {
        const equal =
          typeof left === 'string' || typeof right === 'string'
            ? String(left).toLowerCase() === String(right).toLowerCase()
            : left === right;
        matched = node.op === '=' ? equal : !equal;
      } else if (typeof left === 'number' && typeof right === 'number') {
        matched = node.op === '>' ? left > right : node.op === '>=' ? left >= right : node.op === '<' ? left < right : left <= right;
      } else {
        return { matched: false, trace: [`${text(node.op)}: not numbers`] };
      }
      const negated: Record<Op, string> = { '=': '!=', '!=': '=', '>': '<=', '>=': '<', '<': '>=', '<=': '>' };
      return { matched, trace: [text(matched ? node.op : negated[node.op])] };
    }
    case 'field':
    case 'literal': {
      const value = operandValue(node, fields);
      return { matched: value === true, trace: [label(node, value)] };
    }
  }
}
