// The part of madge's API that tests/unit/import-cycles.test.ts uses (madge ships no types, and
// @types/madge describes madge 5).
declare module 'madge' {
  interface DetectiveOptions {
    skipTypeImports?: boolean;
    skipAsyncImports?: boolean;
  }

  interface MadgeConfig {
    baseDir?: string;
    fileExtensions?: string[];
    tsConfig?: string;
    excludeRegExp?: RegExp[];
    detectiveOptions?: { ts?: DetectiveOptions; tsx?: DetectiveOptions };
  }

  interface MadgeResult {
    /** Each cycle as the files on it, relative to baseDir. */
    circular(): string[][];
    /** Files madge could not resolve or parse. */
    warnings(): { skipped: string[] };
    /** Each file with the files it imports. */
    obj(): Record<string, string[]>;
  }

  export default function madge(
    paths: string | string[],
    config?: MadgeConfig,
  ): Promise<MadgeResult>;
}
