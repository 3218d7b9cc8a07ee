/** One refused variable and what is wrong with it, in words a person can act on. */
export interface ConfigurationProblem {
  readonly variable: string;
  readonly problem: string;
}

/** An invalid environment: start-up stops with a message that names each refused variable. */
export class ConfigurationError extends Error {
  readonly code = 'invalid-configuration';
  /** The first refused variable. */
  readonly variable: string;

  constructor(readonly problems: readonly [ConfigurationProblem, ...ConfigurationProblem[]]) {
    super(
      problems.map(({ variable, problem }) => `Invalid configuration: ${variable} ${problem}`).join('\n'),
    );
    this.name = 'ConfigurationError';
    this.variable = problems[0].variable;
  }
}
