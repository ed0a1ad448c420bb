/** Types of ensure-system-packages.mjs (plain JavaScript so a fresh machine's node runs it as is). */
export declare const DEFAULT_CHROMIUM_PATH: string;
export declare const CHROMIUM_PACKAGE: string;
export declare const JDK_PACKAGE: string;
export declare function installCommand(packages: readonly string[]): string;
export type Step = [command: string, args: string[]];
export type Decision =
  | { action: 'none' }
  | { action: 'install'; packages: string[]; steps: Step[] }
  | { action: 'fail'; message: string };
export declare function decide(input: {
  chromium: { path: string; customPath: boolean; found: boolean };
  javacFound: boolean;
  hasAptGet: boolean;
  privilege: 'root' | 'sudo' | 'none';
}): Decision;
