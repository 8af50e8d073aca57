/**
 * The small subset of CEL that Inngest configs use (notes/inngest-protocol.md §7): dotted paths
 * on `event` / `async`, string, number, true/false/null literals, `== != < <= > >=`, `&& || !`,
 * unary minus, `+`, `?:` and parentheses. Anything else is refused when the function is synced,
 * so an unsupported expression fails loudly instead of silently matching nothing.
 */

export type Scope = { event?: unknown; async?: unknown };
export type Expression = { source: string; evaluate: (scope: Scope) => unknown };

type Token =
  | { type: "num"; value: number }
  | { type: "str"; value: string }
  | { type: "id"; value: string }
  | { type: "op"; value: string };

type Node =
  | { kind: "lit"; value: unknown }
  | { kind: "path"; parts: string[] }
  | { kind: "unary"; op: "!" | "-"; arg: Node }
  | { kind: "binary"; op: string; left: Node; right: Node }
  | { kind: "cond"; test: Node; then: Node; otherwise: Node };

const operators = ["&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "+", "-", "?", ":", "(", ")", "."];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
    } else if (/[0-9]/.test(c)) {
      const match = /^[0-9]+(\.[0-9]+)?/.exec(source.slice(i))!;
      tokens.push({ type: "num", value: Number(match[0]) });
      i += match[0].length;
    } else if (c === '"' || c === "'") {
      let value = "";
      i++;
      while (i < source.length && source[i] !== c) {
        if (source[i] === "\\" && i + 1 < source.length) i++;
        value += source[i++];
      }
      if (source[i] !== c) throw new Error("unterminated string");
      i++;
      tokens.push({ type: "str", value });
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))!;
      tokens.push({ type: "id", value: match[0] });
      i += match[0].length;
    } else {
      const op = operators.find((candidate) => source.startsWith(candidate, i));
      if (!op) throw new Error(`unexpected character '${c}'`);
      tokens.push({ type: "op", value: op });
      i += op.length;
    }
  }
  return tokens;
}

// Precedence climbing, lowest first: ?: , ||, &&, equality, comparison, +/-, unary.
function parse(tokens: Token[]): Node {
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (value: string) => peek()?.type === "op" && peek()!.value === value;
  const expect = (value: string) => {
    if (!isOp(value)) throw new Error(`expected '${value}'`);
    pos++;
  };

  const conditional = (): Node => {
    const test = binary(0);
    if (!isOp("?")) return test;
    pos++;
    const then = conditional();
    expect(":");
    return { kind: "cond", test, then, otherwise: conditional() };
  };

  const levels = [["||"], ["&&"], ["==", "!="], ["<", "<=", ">", ">="], ["+", "-"]];
  const binary = (level: number): Node => {
    if (level === levels.length) return unary();
    let left = binary(level + 1);
    while (peek()?.type === "op" && levels[level].includes(String(peek()!.value))) {
      const op = tokens[pos++].value as string;
      left = { kind: "binary", op, left, right: binary(level + 1) };
    }
    return left;
  };

  const unary = (): Node => {
    if (isOp("!") || isOp("-")) {
      const op = tokens[pos++].value as "!" | "-";
      return { kind: "unary", op, arg: unary() };
    }
    return primary();
  };

  const primary = (): Node => {
    const token = tokens[pos++];
    if (!token) throw new Error("unexpected end");
    if (token.type === "num" || token.type === "str") return { kind: "lit", value: token.value };
    if (token.type === "op" && token.value === "(") {
      const inner = conditional();
      expect(")");
      return inner;
    }
    if (token.type === "id") {
      if (token.value === "true" || token.value === "false") return { kind: "lit", value: token.value === "true" };
      if (token.value === "null") return { kind: "lit", value: null };
      if (token.value !== "event" && token.value !== "async") throw new Error(`unknown name '${token.value}'`);
      const parts = [token.value];
      while (isOp(".")) {
        pos++;
        const next = tokens[pos++];
        if (next?.type !== "id") throw new Error("expected a field name after '.'");
        parts.push(next.value);
      }
      if (isOp("(")) throw new Error("function calls are not supported");
      return { kind: "path", parts };
    }
    throw new Error(`unexpected '${String(token.value)}'`);
  };

  const node = conditional();
  if (pos !== tokens.length) throw new Error(`unexpected '${String(tokens[pos].value)}'`);
  return node;
}

function evaluate(node: Node, scope: Scope): unknown {
  switch (node.kind) {
    case "lit":
      return node.value;
    case "path": {
      let value: unknown = scope;
      for (const part of node.parts) {
        if (value === null || typeof value !== "object") return null;
        value = (value as Record<string, unknown>)[part];
      }
      return value ?? null;
    }
    case "unary": {
      const arg = evaluate(node.arg, scope);
      return node.op === "!" ? !arg : -Number(arg);
    }
    case "cond":
      return evaluate(node.test, scope) === true ? evaluate(node.then, scope) : evaluate(node.otherwise, scope);
    case "binary": {
      if (node.op === "&&") return evaluate(node.left, scope) === true && evaluate(node.right, scope) === true;
      if (node.op === "||") return evaluate(node.left, scope) === true || evaluate(node.right, scope) === true;
      const left = evaluate(node.left, scope) as never;
      const right = evaluate(node.right, scope) as never;
      switch (node.op) {
        case "==":
          return JSON.stringify(left) === JSON.stringify(right);
        case "!=":
          return JSON.stringify(left) !== JSON.stringify(right);
        case "<":
          return left < right;
        case "<=":
          return left <= right;
        case ">":
          return left > right;
        case ">=":
          return left >= right;
        case "+":
          return (left as number) + (right as number);
        case "-":
          return (left as number) - (right as number);
      }
    }
  }
  throw new Error("unreachable");
}

/** Parses once; throws `Unsupported expression "...": reason` for syntax outside the subset. */
export function compileExpression(source: string): Expression {
  let node: Node;
  try {
    node = parse(tokenize(source));
  } catch (error) {
    throw new Error(`Unsupported expression "${source}": ${(error as Error).message}`);
  }
  return {
    source,
    evaluate: (scope) => {
      try {
        return evaluate(node, scope);
      } catch {
        return null;
      }
    },
  };
}
