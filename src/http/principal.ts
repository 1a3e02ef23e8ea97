/** Who is calling: an API key limited to one owner, or an admin key that sees every owner. */
export interface Principal {
  keyId: string;
  /** The owner this key is limited to; undefined for an admin key that sees every owner. */
  owner?: string;
  admin: boolean;
}
