import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CaseCommandType } from '../../domain/case/case.commands.js';
import type { CaseCommandData } from './case-commands.registry.js';
import { type CaseCommandContext, type CaseCommandOutcome, CaseCommands } from './case-commands.service.js';

/** Any case command on the command bus: one message type, one handler, the registry says the rest. */
export class RunCaseCommand<
  Type extends CaseCommandType = CaseCommandType,
> extends Command<CaseCommandOutcome> {
  constructor(
    readonly caseId: string,
    readonly type: Type,
    readonly data: CaseCommandData<Type>,
    readonly context: CaseCommandContext,
  ) {
    super();
  }
}

@CommandHandler(RunCaseCommand)
export class RunCaseCommandHandler implements ICommandHandler<RunCaseCommand, CaseCommandOutcome> {
  constructor(private readonly cases: CaseCommands) {}

  execute({ caseId, type, data, context }: RunCaseCommand): Promise<CaseCommandOutcome> {
    return this.cases.run(caseId, type, data, context);
  }
}
