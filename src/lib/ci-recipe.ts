/**
 * The optional CI recipe: a GitHub Actions workflow (a template) and a
 * pre-commit hook entry, added to the user's .pre-commit-config.yaml
 * without disturbing what is already there.
 */
import YAML from 'yaml';

export const GITHUB_WORKFLOW = '.github/workflows/checkpoint-tests.yml';
export const PRE_COMMIT_CONFIG = '.pre-commit-config.yaml';

export interface PreCommitHook {
  id: string;
  name: string;
  entry: string;
  language: 'system';
  pass_filenames: false;
  files: string;
}

/** `.pre-commit-config.yaml` with our local hook in it: added, or replaced when its id is there. */
export function withPreCommitHook(existing: string | undefined, hook: PreCommitHook): string {
  const document = existing ? YAML.parseDocument(existing) : new YAML.Document({ repos: [] });
  if (!YAML.isMap(document.contents)) document.contents = document.createNode({ repos: [] }) as never;
  let repos = document.get('repos');
  if (!YAML.isSeq(repos)) {
    repos = document.createNode([]);
    document.set('repos', repos);
  }
  const sequence = repos as YAML.YAMLSeq;
  let local = sequence.items.find((item) => YAML.isMap(item) && item.get('repo') === 'local') as YAML.YAMLMap | undefined;
  if (!local) {
    local = document.createNode({ repo: 'local', hooks: [] }) as YAML.YAMLMap;
    sequence.add(local);
  }
  let hooks = local.get('hooks');
  if (!YAML.isSeq(hooks)) {
    hooks = document.createNode([]);
    local.set('hooks', hooks);
  }
  const hookList = hooks as YAML.YAMLSeq;
  const index = hookList.items.findIndex((item) => YAML.isMap(item) && item.get('id') === hook.id);
  const node = document.createNode(hook);
  if (index >= 0) hookList.items[index] = node;
  else hookList.add(node);
  return document.toString();
}
