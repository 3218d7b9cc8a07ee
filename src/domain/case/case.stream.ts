/** The stream that holds a case's events. */
export const caseStreamId = (caseId: string): string => `case-${caseId}`;
