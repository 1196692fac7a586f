package ru.dozvon;

public final class Main {
  public static void main(String[] args) {
  }
}
