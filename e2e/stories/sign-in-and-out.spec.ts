import { expect } from '@playwright/test';
import { DEMO_APPROVER } from '../fixtures.ts';
import { test as base } from '../servers.ts';

// This story starts signed out, so it uses Playwright's own `test`, not the signed-in fixture.
base('a person signs in with the demo approver account, sees the queue, and signs out', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in to RecDesk' })).toBeVisible();

  await page.getByLabel('Email').fill(DEMO_APPROVER.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('The email or the password is wrong');

  await page.getByLabel('Password').fill(DEMO_APPROVER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Recommendations' })).toBeVisible();
  await expect(page.getByText(DEMO_APPROVER.email)).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to RecDesk' })).toBeVisible();
});
