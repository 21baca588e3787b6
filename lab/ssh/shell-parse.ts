/**
 * Enough POSIX shell syntax for the commands people and installers type: words with single and
 * double quotes and backslashes, `$VAR` / `${VAR}` / `$?` expansion, `;`, `&&`, `||`, pipes,
 * comments and output redirections (which discard output: the lab has no writable files).
 */

export interface SimpleCommand {
  argv: string[];
  /** `>` / `>>` / `&>` somewhere other than the terminal. */
  discardStdout: boolean;
  discardStderr: boolean;
}

export interface AndOrItem {
  /** How this pipeline joins the previous one (`;` for the first). */
  op: ';' | '&&' | '||';
  pipeline: SimpleCommand[];
}

export class ShellSyntaxError extends Error {}

type Token = { kind: 'word'; value: string } | { kind: 'op'; value: string };

function tokenize(line: string, vars: (name: string) => string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const flush = (): void => {
    if (inWord) tokens.push({ kind: 'word', value: word });
    word = '';
    inWord = false;
  };
  const expand = (): void => {
    const rest = line.slice(i + 1);
    const m = /^(\?|\$|[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})/.exec(rest);
    if (!m) {
      word += '$';
      i += 1;
      return;
    }
    word += vars(m[1]!.replace(/^\{|\}$/g, ''));
    i += 1 + m[1]!.length;
  };
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `''");
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      inWord = true;
      i += 1;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && '"\\$`'.includes(line[i + 1] ?? '')) {
          word += line[i + 1] ?? '';
          i += 2;
        } else if (line[i] === '$') expand();
        else word += line[i++] ?? '';
      }
      if (i >= line.length) throw new ShellSyntaxError('unexpected EOF while looking for `"\'');
      i += 1;
    } else if (ch === '\\') {
      word += line[i + 1] ?? '';
      inWord = true;
      i += 2;
    } else if (ch === '$') {
      inWord = true;
      expand();
    } else if (ch === ' ' || ch === '\t') {
      flush();
      i += 1;
    } else if (ch === '#' && !inWord) {
      break;
    } else {
      const op = /^(&&|\|\||;|\||&>|\d?>>?(&\d)?|<)/.exec(line.slice(i))?.[0];
      if (op !== undefined && !(/^\d/.test(op) && inWord)) {
        flush();
        tokens.push({ kind: 'op', value: op });
        i += op.length;
      } else {
        word += ch;
        inWord = true;
        i += 1;
      }
    }
  }
  flush();
  return tokens;
}

export function parseLine(line: string, vars: (name: string) => string): AndOrItem[] {
  const items: AndOrItem[] = [];
  let op: AndOrItem['op'] = ';';
  let pipeline: SimpleCommand[] = [];
  let current: SimpleCommand = { argv: [], discardStdout: false, discardStderr: false };
  const tokens = tokenize(line, vars);
  const endCommand = (sep: string): void => {
    if (current.argv.length === 0) {
      throw new ShellSyntaxError(`syntax error near unexpected token \`${sep}'`);
    }
    pipeline.push(current);
    current = { argv: [], discardStdout: false, discardStderr: false };
  };
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    if (token.kind === 'word') {
      current.argv.push(token.value);
      continue;
    }
    const v = token.value;
    if (v === '|') endCommand(v);
    else if (v === ';' || v === '&&' || v === '||') {
      if (v === ';' && current.argv.length === 0 && pipeline.length === 0) continue;
      endCommand(v);
      items.push({ op, pipeline });
      pipeline = [];
      op = v;
    } else if (v.endsWith('&1') || v.endsWith('&2')) {
      // 2>&1 and 1>&2 change nothing a terminal user would see.
    } else {
      const target = tokens[t + 1];
      if (target?.kind !== 'word')
        throw new ShellSyntaxError("syntax error near unexpected token `newline'");
      t += 1;
      if (v === '<') continue;
      if (v.startsWith('2')) current.discardStderr = true;
      else if (v === '&>') {
        current.discardStdout = true;
        current.discardStderr = true;
      } else current.discardStdout = true;
    }
  }
  if (current.argv.length > 0) pipeline.push(current);
  else if (pipeline.length > 0)
    throw new ShellSyntaxError("syntax error near unexpected token `|'");
  if (pipeline.length > 0) items.push({ op, pipeline });
  else if (op !== ';') throw new ShellSyntaxError(`syntax error near unexpected token \`${op}'`);
  return items;
}

/** Quotes words so that `parseLine` gives them back unchanged (for logs and `bash -c`). */
export function quoteArgv(argv: readonly string[]): string {
  return argv
    .map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
