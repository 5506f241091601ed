// The fixed wording of every doctor finding, read from src/doctor with the TypeScript
// parser: the text of each fail()/warn() line and each `what:` of a keypad problem, cut
// into its literal pieces (what stands between the ${…} parts).
import { readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';

export interface DoctorMessage {
  file: string;
  status: 'FAIL' | 'warn';
  part: string | null;
  pieces: string[];
}

const DOCTOR = new URL('../../../src/doctor/', import.meta.url);

function pieces(node: ts.Node): string[] | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node))
    return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)];
  if (ts.isConditionalExpression(node)) {
    const a = pieces(node.whenTrue);
    const b = pieces(node.whenFalse);
    return a && b ? [...a, ...b] : (a ?? b);
  }
  return null;
}

/** Pieces short enough to be mere glue (" on ", ", ") say nothing and are dropped. */
function meaningful(all: string[]): string[] {
  return all.map((p) => p.trim().replace(/^[,;:)(]+\s*|\s*[,;:(]+$/g, '')).filter((p) => p.length >= 12);
}

export function doctorMessages(): DoctorMessage[] {
  const found: DoctorMessage[] = [];
  for (const name of readdirSync(DOCTOR).filter((f) => f.endsWith('.ts'))) {
    if (name === 'report.ts') continue;
    const text = readFileSync(new URL(name, DOCTOR), 'utf8');
    const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
        const callee = node.expression.text;
        if ((callee === 'fail' || callee === 'warn') && node.arguments.length >= 2) {
          const part = node.arguments[0];
          const got = pieces(node.arguments[1] as ts.Node);
          if (got)
            found.push({
              file: name,
              status: callee === 'fail' ? 'FAIL' : 'warn',
              part: part && ts.isStringLiteral(part) ? part.text : null,
              pieces: meaningful(got),
            });
        }
      }
      // A keypad problem is an object { what, todo }; other objects may have a `what` too.
      const problem =
        ts.isPropertyAssignment(node) &&
        ts.isIdentifier(node.name) &&
        node.name.text === 'what' &&
        ts.isObjectLiteralExpression(node.parent) &&
        node.parent.properties.some(
          (p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === 'todo',
        );
      if (problem) {
        const got = pieces((node as ts.PropertyAssignment).initializer);
        if (got) found.push({ file: name, status: 'FAIL', part: 'keypad', pieces: meaningful(got) });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}
