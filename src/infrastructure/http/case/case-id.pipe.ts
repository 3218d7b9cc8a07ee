import { Injectable, Param, type PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { UUID_PATTERN } from '../../../domain/kernel/identifiers.js';
import { ProblemException } from '../problem/problem-exception.js';

/** Path ids are UUIDs; anything else cannot name a case, assignment or opinion. */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID_PATTERN.test(value)) {
      throw new ProblemException(400, 'validation-failed', 'Path ids are UUIDs.', {
        errors: [{ field: 'path', message: `"${value.slice(0, 64)}" is not a UUID` }],
      });
    }
    return value.toLowerCase();
  }
}

export const CaseIdPipe = UuidParamPipe;

/** Every id a path names (`caseId`, `assignmentId`, `opinionId`) is a UUID; answered lower-case. */
@Injectable()
export class PathIdsPipe implements PipeTransform<Record<string, string>, Record<string, string>> {
  private readonly uuid = new UuidParamPipe();

  transform(ids: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(ids).map(([name, value]) => [name, this.uuid.transform(value)]));
  }
}

/** The `caseId` path parameter, checked by CaseIdPipe and documented as the UUID it accepts. */
export const CaseIdParam = (): ParameterDecorator => (target, key, index) => {
  Param('caseId', CaseIdPipe)(target, key!, index);
  const descriptor = Object.getOwnPropertyDescriptor(target, key!)!;
  ApiParam({ name: 'caseId', type: String, format: 'uuid' })(target, key!, descriptor);
};
