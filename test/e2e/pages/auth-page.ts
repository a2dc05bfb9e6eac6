import type { Page } from "playwright-core";
import { baseUrl } from "../support/browser";

export class AuthPage {
  constructor(private readonly page: Page) {}

  async register(email: string, password: string) {
    await this.page.goto(`${baseUrl()}/register`);
    await this.submit(email, password);
    await this.page.waitForURL(`${baseUrl()}/`);
  }

  async login(email: string, password: string) {
    await this.page.goto(`${baseUrl()}/login`);
    await this.submit(email, password);
    await this.page.waitForURL(`${baseUrl()}/`);
  }

  async attemptLogin(email: string, password: string): Promise<string> {
    await this.page.goto(`${baseUrl()}/login`);
    await this.submit(email, password);
    return (await this.page.getByTestId("auth-error").textContent()) ?? "";
  }

  private async submit(email: string, password: string) {
    await this.page.getByTestId("email").fill(email);
    await this.page.getByTestId("password").fill(password);
    await this.page.getByTestId("auth-submit").click();
  }
}
