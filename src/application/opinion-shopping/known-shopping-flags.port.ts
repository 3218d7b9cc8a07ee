/** The read model's answer to "was this flag raised?" (the opinion-shopping projection implements it). */
export interface KnownShoppingFlags {
  exists(flagId: string): Promise<boolean>;
}

export const KNOWN_SHOPPING_FLAGS = Symbol('KnownShoppingFlags');
