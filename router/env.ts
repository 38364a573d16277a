// Reading the router's environment variables: one parser per kind, each failing loudly on a bad value.
const env = process.env;

export function flag(name: string, fallback: boolean): boolean {
  const v = env[name];
  if (v == null || v === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(v.toLowerCase());
}

export function integer(name: string, fallback: number, { min = 0 }: { min?: number } = {}): number {
  const raw = env[name];
  if (raw == null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}; got "${raw}"`);
  }
  return value;
}

export function oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '') return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new Error(`${name} must be one of ${choices.join(', ')}; got "${env[name]}"`);
  }
  return raw as T;
}

export function list(name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

export function text(name: string): string | undefined {
  const raw = env[name];
  return raw == null || raw === '' ? undefined : raw;
}
