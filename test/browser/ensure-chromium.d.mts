/** Types of ensure-chromium.mjs (plain JavaScript so a fresh machine's node runs it as is). */
export declare const DEFAULT_CHROMIUM_PATH: string;
export declare const INSTALL_COMMAND: string;
export type Step = [command: string, args: string[]];
export type Decision = { action: 'none' } | { action: 'install'; steps: Step[] } | { action: 'fail'; message: string };
export declare function decide(input: {
  path: string;
  customPath: boolean;
  found: boolean;
  hasAptGet: boolean;
  privilege: 'root' | 'sudo' | 'none';
}): Decision;
